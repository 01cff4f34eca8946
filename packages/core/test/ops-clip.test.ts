/**
 * clip: y = min(max(x, min), max), hand-computed values (the arithmetic is next to each), the
 * attribute rules (defaults, "Infinity" strings, min <= max) and the JSON round trip of its bounds.
 */
import { GraphBuilder, GraphError, clipAttrs, evaluateGraph, parseGraphJson, serializeGraph, sizeOf, tensor, validateGraph, type Attrs, type DType, type Layout } from '../src';

interface In {
  readonly shape: number[];
  readonly data?: number[];
  readonly layout?: Layout;
  readonly dtype?: DType;
}

/** One clip node named 'n' over a float64 input (exact feeds). */
function build(x: In, attrs: Attrs) {
  const b = new GraphBuilder('clip-case');
  b.output(b.node('clip', [b.input('x', x.shape, { dtype: x.dtype ?? 'float64', layout: x.layout })], attrs, 'n'));
  return b.build();
}

function run(x: In, attrs: Attrs): number[] {
  const { validated, weights } = build(x, attrs);
  const feed = tensor('float64', x.shape, x.data ?? new Array<number>(sizeOf(x.shape)).fill(0));
  return Array.from(evaluateGraph(validated, weights, { x: feed }, { float64: true })['n']!.data as Float64Array);
}

/** Exact equality that tells -0 from 0 and matches NaN with NaN (Object.is). */
function expectExact(got: readonly number[], want: readonly number[]): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => {
    if (!Object.is(got[i], w)) throw new Error(`index ${i}: got ${Object.is(got[i], -0) ? '-0' : got[i]}, want ${Object.is(w, -0) ? '-0' : w}`);
  });
}

function attrError(attrs: Attrs): GraphError {
  try {
    build({ shape: [2] }, attrs);
  } catch (e) {
    expect(e).toBeInstanceOf(GraphError);
    return e as GraphError;
  }
  throw new Error(`clip ${JSON.stringify(attrs)} was accepted`);
}

const x1 = (data: number[]): In => ({ shape: [data.length], data });

describe('clip values', () => {
  test('relu6: clip(0, 6)', () => {
    // -2 < 0 -> 0; -0 is not < 0 -> -0 kept; 0 -> 0; 3 inside; 6 is not > 6 -> 6; 7.5 > 6 -> 6;
    // NaN: both comparisons false -> NaN; +Inf > 6 -> 6; -Inf < 0 -> 0; 1e30 -> 6
    expectExact(run(x1([-2, -0, 0, 3, 6, 7.5, NaN, Infinity, -Infinity, 1e30]), { min: 0, max: 6 }), [0, -0, 0, 3, 6, 6, NaN, 6, 0, 6]);
  });

  test('only min (max defaults to +Infinity)', () => {
    // min -1: -3 -> -1; -1 stays; 0.5 stays; 1e30 stays (no upper bound); +Inf stays; -Inf -> -1; NaN stays
    expectExact(run(x1([-3, -1, 0.5, 1e30, Infinity, -Infinity, NaN]), { min: -1 }), [-1, -1, 0.5, 1e30, Infinity, -1, NaN]);
  });

  test('only max (min defaults to -Infinity)', () => {
    // max 2.5: -Inf stays (no lower bound); -7 stays; 2.5 stays; 3 -> 2.5; +Inf -> 2.5; -0 stays -0
    expectExact(run(x1([-Infinity, -7, 2.5, 3, Infinity, -0]), { max: 2.5 }), [-Infinity, -7, 2.5, 2.5, 2.5, -0]);
  });

  test('no bounds is the identity, NaN and the sign of zero included', () => {
    expectExact(run(x1([-Infinity, -1e300, -0, 0, 5e-324, Infinity, NaN]), {}), [-Infinity, -1e300, -0, 0, 5e-324, Infinity, NaN]);
  });

  test('min == max: every non-NaN element becomes the bound', () => {
    // [-1, 2, NaN, Inf] clipped to [1.5, 1.5] -> [1.5, 1.5, NaN, 1.5]
    expectExact(run(x1([-1, 2, NaN, Infinity]), { min: 1.5, max: 1.5 }), [1.5, 1.5, NaN, 1.5]);
  });

  test('-0 as a result of the bound, and a negative range', () => {
    // clip(-3, -2): -5 -> -3; -2.5 stays; -0 > -2 -> -2; 4 -> -2
    expectExact(run(x1([-5, -2.5, -0, 4]), { min: -3, max: -2 }), [-3, -2.5, -2, -2]);
  });

  test('"Infinity" / "-Infinity" strings and numeric infinities mean no bound', () => {
    const x = x1([-1e30, -1, 0, 7, 1e30]);
    const want = [-1e30, -1, 0, 6, 6];
    // max 6, min "-Infinity" / -Infinity / absent: only the top is clipped
    expectExact(run(x, { min: '-Infinity', max: 6 }), want);
    expectExact(run(x, { min: -Infinity, max: 6 }), want);
    expectExact(run(x, { max: 6 }), want);
    expectExact(run(x, { min: '-Infinity', max: 'Infinity' }), [-1e30, -1, 0, 7, 1e30]);
  });

  test('shape, dtype and layout are kept; rank 0 and zero-size', () => {
    const v = build({ shape: [1, 2, 3, 3], layout: 'NCHW', dtype: 'float32' }, { min: 0, max: 6 }).validated.values.get('n')!;
    expect(v).toEqual({ dtype: 'float32', shape: [1, 2, 3, 3], layout: 'NCHW' });
    // rank 0: clip(7) to [0, 6] -> 6
    expectExact(run({ shape: [], data: [7] }, { min: 0, max: 6 }), [6]);
    expect(run({ shape: [0, 3] }, { min: 0, max: 6 })).toEqual([]);
  });

  test('a rank-4 NHWC tensor, element by element', () => {
    // [1,1,2,2] NHWC: [-1, 0.25, 6.5, 3] with clip(0, 6) -> [0, 0.25, 6, 3]
    expectExact(run({ shape: [1, 1, 2, 2], layout: 'NHWC', data: [-1, 0.25, 6.5, 3] }, { min: 0, max: 6 }), [0, 0.25, 6, 3]);
  });
});

describe('clip attributes', () => {
  test('min > max names both', () => {
    const e = attrError({ min: 6, max: 0 });
    expect(e.code).toBe('ATTRIBUTE_INVALID');
    expect(e.message).toContain("node 'n' (clip)");
    expect(e.expected).toBe('min <= max');
    expect(e.received).toBe('min 6, max 0');
    expect(attrError({ min: 'Infinity', max: 0 }).received).toBe('min Infinity, max 0');
  });

  test('NaN, other strings and other types are not bounds', () => {
    for (const [attrs, received] of [
      [{ min: NaN }, 'NaN'],
      [{ max: 'NaN' }, '"NaN"'],
      [{ min: 'inf' }, '"inf"'],
      [{ max: [6] }, '[6]'],
      [{ min: null }, 'null'],
    ] as const) {
      const e = attrError(attrs);
      expect(e.code).toBe('ATTRIBUTE_INVALID');
      expect(e.expected).toContain('"Infinity" or "-Infinity"');
      expect(e.received).toBe(received);
    }
  });

  test('unknown attributes and integer inputs are refused', () => {
    expect(attrError({ lo: 0 }).expected).toBe('one of min, max');
    expect(() => build({ shape: [2], dtype: 'int32' }, { min: 0, max: 6 })).toThrow(/float32, float16 or float64/);
  });

  test('clipAttrs writes the canonical form: infinite bounds omitted', () => {
    expect(clipAttrs(0, 6)).toEqual({ min: 0, max: 6 });
    expect(clipAttrs(0, Infinity)).toEqual({ min: 0 });
    expect(clipAttrs(-Infinity, 6)).toEqual({ max: 6 });
    expect(clipAttrs(-Infinity, Infinity)).toEqual({});
  });
});

describe('clip in graph JSON', () => {
  function graphWith(attrs: Attrs) {
    const b = new GraphBuilder('relu6');
    b.output(b.node('clip', [b.input('x', [1, 4], { layout: 'NC' })], attrs, 'y'));
    return b.build().graph;
  }

  test.each([
    ['min 0, max 6', { min: 0, max: 6 }, '"min": 0,\n        "max": 6'],
    ['min 0', { min: 0 }, '"min": 0'],
    ['max 1e-3', { max: 1e-3 }, '"max": 0.001'],
    ['min "-Infinity", max 6', { min: '-Infinity', max: 6 }, '"min": "-Infinity"'],
    // a bound written as a number Infinity in code is serialized as the string, not as null
    ['min -Infinity (number), max 6', { min: -Infinity, max: 6 }, '"min": "-Infinity"'],
    ['min 0, max Infinity (number)', { min: 0, max: Infinity }, '"max": "Infinity"'],
  ] as [string, Attrs, string][])('%s: JSON -> graph -> JSON is byte-identical and the bounds survive', (_label, attrs, snippet) => {
    const text = serializeGraph(graphWith(attrs));
    expect(text).toContain(snippet);
    expect(text).not.toContain('null');
    const parsed = parseGraphJson(text);
    expect(serializeGraph(parsed)).toBe(text);
    const node = validateGraph(parsed).nodes[0]!;
    const want = validateGraph(graphWith(attrs)).nodes[0]!;
    expect(node.attrs).toEqual(want.attrs);
  });
});
