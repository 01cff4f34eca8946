/**
 * Hand-computed cases for the activation, elementwise, linear, normalization and shape ops,
 * run through the validator and the reference evaluator. Each expected value has its arithmetic
 * next to it, so a failure can be checked by hand rather than against another program.
 */
import { GraphBuilder, GraphError, evaluateGraph, sizeOf, tensor, type Attrs, type DType, type ErrorCode, type Layout, type ValueInfo } from '../src';
import { resolveSoftmaxAxis } from '../src/ops/softmax';

interface In {
  readonly shape: number[];
  readonly data?: number[];
  readonly layout?: Layout;
  readonly dtype?: DType;
}

/** One node named 'n' over graph inputs in0, in1, ...; inputs are float64 so feeds are exact. */
function build(op: string, ins: readonly In[], attrs: Attrs = {}) {
  const b = new GraphBuilder('case');
  const names = ins.map((t, i) => b.input(`in${i}`, t.shape, { dtype: t.dtype ?? 'float64', layout: t.layout }));
  b.output(b.node(op, names, attrs, 'n'));
  return b.build();
}

function infer(op: string, ins: readonly In[], attrs: Attrs = {}): ValueInfo {
  return build(op, ins, attrs).validated.values.get('n')!;
}

function run(op: string, ins: readonly In[], attrs: Attrs = {}): { shape: number[]; data: number[]; layout?: Layout } {
  const { validated, weights } = build(op, ins, attrs);
  const feeds = Object.fromEntries(ins.map((t, i) => [`in${i}`, tensor('float64', t.shape, t.data ?? new Array<number>(sizeOf(t.shape)).fill(0))]));
  const out = evaluateGraph(validated, weights, feeds, { float64: true })['n']!;
  return { shape: [...out.shape], data: Array.from(out.data as Float64Array), layout: validated.values.get('n')!.layout };
}

/** Elementwise closeness; NaN must meet NaN and infinities must be equal. */
function expectClose(actual: readonly number[], expected: readonly number[], tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((want, i) => {
    const got = actual[i]!;
    if (Number.isNaN(want) || !Number.isFinite(want)) expect(got).toBe(want);
    else if (Math.abs(got - want) > tol * (1 + Math.abs(want))) throw new Error(`index ${i}: got ${got}, want ${want}`);
  });
}

/** The error names node 'n', the op, and contains the given expected and received text. */
function expectGraphError(fn: () => unknown, op: string, code: ErrorCode, expected: string, received: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(GraphError);
  const g = err as GraphError;
  expect(g.code).toBe(code);
  expect(g.message).toContain(`node 'n' (${op})`);
  expect(g.expected).toContain(expected);
  expect(g.received).toContain(received);
  expect(g.message).toContain(`expected ${g.expected}`);
  expect(g.message).toContain(`received ${g.received}`);
}

const x1 = (data: number[]): In => ({ shape: [data.length], data });

describe('activations', () => {
  test('relu', () => {
    // max(x, 0); NaN stays NaN, +Inf stays +Inf
    expectClose(run('relu', [x1([-2, -0.5, 0, 3, NaN, Infinity])]).data, [0, 0, 0, 3, NaN, Infinity]);
  });

  test('gelu, erf form (default)', () => {
    // x * Phi(x): Phi(1) = 0.8413447460685429, Phi(-1) = 1 - Phi(1), Phi(2) = 0.9772498680518208
    expectClose(run('gelu', [x1([0, 1, -1, 2])]).data, [0, 0.8413447460685429, -1 * 0.15865525393145707, 2 * 0.9772498680518208]);
  });

  test('gelu, tanh form', () => {
    const f = (x: number): number => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    // 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))): f(1) = 0.8411919906082768, differs from erf gelu(1) in the 4th digit
    const got = run('gelu', [x1([0, 1, -1, 2])], { approximate: 'tanh' }).data;
    expectClose(got, [0, f(1), f(-1), f(2)]);
    expectClose([got[1]!], [0.8411919906082768]);
  });

  test('sigmoid', () => {
    // 1/(1+e^-x): s(0) = 0.5, s(2) = 0.8807970779778823, s(-2) = 1 - s(2); +-1000 saturate without overflow
    expectClose(run('sigmoid', [x1([0, 2, -2, 1000, -1000, NaN])]).data, [0.5, 0.8807970779778823, 0.11920292202211755, 1, 0, NaN]);
  });

  test('tanh', () => {
    // tanh(0.5) = (e - 1)/(e + 1) = 0.46211715726000974; tanh(+-Inf) = +-1
    expectClose(run('tanh', [x1([0, 0.5, -0.5, Infinity, -Infinity])]).data, [0, 0.46211715726000974, -0.46211715726000974, 1, -1]);
  });

  test('silu', () => {
    // x * sigmoid(x): 1 * 0.7310585786300049, -1 * 0.2689414213699951, 2 * 0.8807970779778823
    expectClose(run('silu', [x1([0, 1, -1, 2])]).data, [0, 0.7310585786300049, -0.2689414213699951, 1.7615941559557646]);
  });

  test('keep shape and layout; zero-size is empty', () => {
    expect(infer('relu', [{ shape: [1, 2, 3, 3], layout: 'NHWC' }])).toEqual({ dtype: 'float64', shape: [1, 2, 3, 3], layout: 'NHWC' });
    expect(run('sigmoid', [{ shape: [0, 3] }]).shape).toEqual([0, 3]);
  });

  test('errors', () => {
    expectGraphError(() => infer('relu', [{ shape: [2], dtype: 'int32' }]), 'relu', 'SHAPE_MISMATCH', 'float32, float16 or float64', 'int32');
    expectGraphError(() => infer('gelu', [{ shape: [2] }], { approximate: 'fast' }), 'gelu', 'ATTRIBUTE_INVALID', 'none, tanh', '"fast"');
  });
});

describe('elementwise add/sub/mul/div', () => {
  test('add broadcasts a row over rows', () => {
    // [[1,2,3],[4,5,6]] + [10,20,30] = [[11,22,33],[14,25,36]]
    const y = run('add', [{ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }, x1([10, 20, 30])]);
    expect(y.shape).toEqual([2, 3]);
    expectClose(y.data, [11, 22, 33, 14, 25, 36]);
  });

  test('sub with a scalar [] operand on either side', () => {
    // [5,7] - 2 = [3,5];  2 - [5,7] = [-3,-5]
    expectClose(run('sub', [x1([5, 7]), { shape: [], data: [2] }]).data, [3, 5]);
    const y = run('sub', [{ shape: [], data: [2] }, x1([5, 7])]);
    expect(y.shape).toEqual([2]);
    expectClose(y.data, [-3, -5]);
  });

  test('mul broadcasts both operands', () => {
    // [[1],[2]] * [[3,4,5]] = [[3,4,5],[6,8,10]]
    const y = run('mul', [
      { shape: [2, 1], data: [1, 2] },
      { shape: [1, 3], data: [3, 4, 5] },
    ]);
    expect(y.shape).toEqual([2, 3]);
    expectClose(y.data, [3, 4, 5, 6, 8, 10]);
  });

  test('div by zero and NaN, Inf propagation', () => {
    // [1,-1,0,6] / [0,0,0,2] = [Inf, -Inf, 0/0 = NaN, 3]
    expectClose(run('div', [x1([1, -1, 0, 6]), x1([0, 0, 0, 2])]).data, [Infinity, -Infinity, NaN, 3]);
    // NaN + 1 = NaN, Inf + -Inf = NaN, Inf + 1 = Inf
    expectClose(run('add', [x1([NaN, Infinity, Infinity]), x1([1, -Infinity, 1])]).data, [NaN, NaN, Infinity]);
  });

  test('zero-size operands', () => {
    // [0,3] + [3] -> [0,3]; [2,0] * [2,1] -> [2,0]; [0] + [] -> [0]
    expect(run('add', [{ shape: [0, 3] }, x1([1, 2, 3])])).toMatchObject({ shape: [0, 3], data: [] });
    expect(run('mul', [{ shape: [2, 0] }, { shape: [2, 1], data: [1, 2] }])).toMatchObject({ shape: [2, 0], data: [] });
    expect(run('div', [{ shape: [0] }, { shape: [], data: [2] }])).toMatchObject({ shape: [0], data: [] });
  });

  test('layout comes from the input that has the output shape', () => {
    expect(infer('add', [{ shape: [1, 4], layout: 'NC' }, { shape: [4] }]).layout).toBe('NC');
  });

  test('errors', () => {
    expectGraphError(() => infer('add', [{ shape: [2, 3] }, { shape: [4] }]), 'add', 'SHAPE_MISMATCH', 'NumPy broadcasting', '[2,3] and [4]');
    expectGraphError(() => infer('sub', [{ shape: [2] }, { shape: [2], dtype: 'float32' }]), 'sub', 'SHAPE_MISMATCH', 'float64', 'float64, float32');
    expectGraphError(() => infer('mul', [{ shape: [2] }, { shape: [2] }], { axis: 1 }), 'mul', 'ATTRIBUTE_INVALID', 'no attributes', 'axis');
  });
});

describe('dense', () => {
  test('x [1,2], w [2,2], b [2]', () => {
    // x=[1,2], w=[[1,0],[1,1]], b=[0.5,-1] -> [1*1+2*0+0.5, 1*1+2*1-1] = [1.5, 2]
    const y = run('dense', [{ shape: [1, 2], data: [1, 2], layout: 'NC' }, { shape: [2, 2], data: [1, 0, 1, 1] }, x1([0.5, -1])]);
    expect(y).toEqual({ shape: [1, 2], data: [1.5, 2], layout: 'NC' });
  });

  test('NTC tokens without bias keep NTC', () => {
    // tokens [1,2] and [3,4]; w rows [1,1], [2,0], [0,-1]:
    // [1+2, 2*1, -2] = [3,2,-2];  [3+4, 2*3, -4] = [7,6,-4]
    const y = run('dense', [
      { shape: [1, 2, 2], data: [1, 2, 3, 4], layout: 'NTC' },
      { shape: [3, 2], data: [1, 1, 2, 0, 0, -1] },
    ]);
    expect(y).toEqual({ shape: [1, 2, 3], data: [3, 2, -2, 7, 6, -4], layout: 'NTC' });
  });

  test('rank-1 x', () => {
    // [1,2,3] . [1,1,1] = 6
    expect(run('dense', [x1([1, 2, 3]), { shape: [1, 3], data: [1, 1, 1] }])).toMatchObject({ shape: [1], data: [6] });
  });

  test('layout: channels-last layouts survive, NCHW does not', () => {
    expect(infer('dense', [{ shape: [1, 2, 2, 3], layout: 'NHWC' }, { shape: [5, 3] }]).layout).toBe('NHWC');
    expect(infer('dense', [{ shape: [1, 3, 2, 2], layout: 'NCHW' }, { shape: [5, 2] }])).toEqual({ dtype: 'float64', shape: [1, 3, 2, 5], layout: undefined });
  });

  test('zero-size dims', () => {
    // inFeatures 0: every sum is empty (0), so y = b = [1,2,3] per row
    expect(run('dense', [{ shape: [2, 0] }, { shape: [3, 0] }, x1([1, 2, 3])])).toMatchObject({ shape: [2, 3], data: [1, 2, 3, 1, 2, 3] });
    // batch 0 -> [0,3]; outFeatures 0 -> [2,0]
    expect(run('dense', [{ shape: [0, 2] }, { shape: [3, 2] }])).toMatchObject({ shape: [0, 3], data: [] });
    expect(run('dense', [{ shape: [2, 2] }, { shape: [0, 2] }, { shape: [0] }])).toMatchObject({ shape: [2, 0], data: [] });
  });

  test('NaN and Inf stay in their row', () => {
    // row0: NaN*1 + 1*1 = NaN; row1: 1+1 = 2; row2: Inf*1 + 1*1 = Inf
    expectClose(
      run('dense', [
        { shape: [3, 2], data: [NaN, 1, 1, 1, Infinity, 1] },
        { shape: [1, 2], data: [1, 1] },
      ]).data,
      [NaN, 2, Infinity],
    );
    // Inf*0 + 1*1 = NaN: a zero weight does not mask an infinite input
    expectClose(
      run('dense', [
        { shape: [1, 2], data: [Infinity, 1] },
        { shape: [1, 2], data: [0, 1] },
      ]).data,
      [NaN],
    );
  });

  test('errors', () => {
    expectGraphError(() => infer('dense', [{ shape: [1, 3] }, { shape: [2, 4] }]), 'dense', 'SHAPE_MISMATCH', 'w [outFeatures, 3]', 'w [2,4], x [1,3]');
    // A [in, out] weight (Keras order) gets a hint.
    expect(() => infer('dense', [{ shape: [1, 3] }, { shape: [3, 2] }])).toThrow(/\[in, out\]/);
    expectGraphError(() => infer('dense', [{ shape: [1, 3] }, { shape: [2, 3] }, { shape: [3] }]), 'dense', 'SHAPE_MISMATCH', 'b [2]', 'b [3]');
    expectGraphError(() => infer('dense', [{ shape: [1, 3] }, { shape: [1, 2, 3] }]), 'dense', 'SHAPE_MISMATCH', 'rank 2', '[1,2,3]');
    expectGraphError(() => infer('dense', [{ shape: [] }, { shape: [2, 1] }]), 'dense', 'SHAPE_MISMATCH', 'rank >= 1', '[]');
    expectGraphError(() => infer('dense', [{ shape: [1, 3], dtype: 'int64' }, { shape: [2, 3] }]), 'dense', 'SHAPE_MISMATCH', 'float32, float16 or float64', 'int64');
    expectGraphError(() => infer('dense', [{ shape: [1, 3] }, { shape: [2, 3] }], { units: 2 }), 'dense', 'ATTRIBUTE_INVALID', 'no attributes', 'units');
  });
});

describe('matmul', () => {
  test('[2,2] @ [2,2]', () => {
    // [[1,2],[3,4]] @ [[5,6],[7,8]] = [[1*5+2*7, 1*6+2*8], [3*5+4*7, 3*6+4*8]] = [[19,22],[43,50]]
    expect(
      run('matmul', [
        { shape: [2, 2], data: [1, 2, 3, 4] },
        { shape: [2, 2], data: [5, 6, 7, 8] },
      ]),
    ).toMatchObject({ shape: [2, 2], data: [19, 22, 43, 50] });
  });

  test('rank-1 operands are promoted and the axis removed', () => {
    // [1,2,3] . [4,5,6] = 4+10+18 = 32, a scalar
    expect(run('matmul', [x1([1, 2, 3]), x1([4, 5, 6])])).toMatchObject({ shape: [], data: [32] });
    // [1,2] @ [[1,2,3],[4,5,6]] = [1+8, 2+10, 3+12] = [9,12,15]
    expect(run('matmul', [x1([1, 2]), { shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }])).toMatchObject({ shape: [3], data: [9, 12, 15] });
    // [[1,2,3],[4,5,6]] @ [1,0,-1] = [1-3, 4-6] = [-2,-2]
    expect(run('matmul', [{ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }, x1([1, 0, -1])])).toMatchObject({ shape: [2], data: [-2, -2] });
  });

  test('batch dims broadcast', () => {
    // a [1,2] = [[1,1]] against each of 3 b's [[1],[2]], [[3],[4]], [[5],[6]]: [3, 7, 11], shape [3,1,1]
    expect(
      run('matmul', [
        { shape: [1, 2], data: [1, 1] },
        { shape: [3, 2, 1], data: [1, 2, 3, 4, 5, 6] },
      ]),
    ).toMatchObject({ shape: [3, 1, 1], data: [3, 7, 11] });
    // a [2,1,1,2] (batches [1,0] and [0,1]) @ b [3,2,1] (columns [1,2],[3,4],[5,6]) -> [2,3,1,1]:
    // batch 0 picks the first entries [1,3,5], batch 1 the second [2,4,6]
    const y = run('matmul', [
      { shape: [2, 1, 1, 2], data: [1, 0, 0, 1] },
      { shape: [3, 2, 1], data: [1, 2, 3, 4, 5, 6] },
    ]);
    expect(y).toMatchObject({ shape: [2, 3, 1, 1], data: [1, 3, 5, 2, 4, 6] });
  });

  test('zero-size dims', () => {
    // K = 0: empty sums -> zeros [2,3]
    expect(run('matmul', [{ shape: [2, 0] }, { shape: [0, 3] }])).toMatchObject({ shape: [2, 3], data: [0, 0, 0, 0, 0, 0] });
    expect(run('matmul', [{ shape: [0, 2] }, { shape: [2, 3] }])).toMatchObject({ shape: [0, 3], data: [] });
    expect(run('matmul', [{ shape: [0, 1, 2] }, { shape: [2, 3] }])).toMatchObject({ shape: [0, 1, 3], data: [] });
  });

  test('Inf * 0 gives NaN', () => {
    // [Inf, 1] @ [[0],[1]] = Inf*0 + 1 = NaN
    expectClose(
      run('matmul', [
        { shape: [1, 2], data: [Infinity, 1] },
        { shape: [2, 1], data: [0, 1] },
      ]).data,
      [NaN],
    );
  });

  test('layout: kept for channels-last a of the output rank', () => {
    expect(infer('matmul', [{ shape: [1, 4, 3], layout: 'NTC' }, { shape: [3, 8] }]).layout).toBe('NTC');
    expect(infer('matmul', [{ shape: [2, 3], layout: 'NC' }, { shape: [3, 1] }]).layout).toBe('NC');
    expect(infer('matmul', [{ shape: [1, 4, 3], layout: 'NTC' }, x1([0, 0, 0])])).toEqual({ dtype: 'float64', shape: [1, 4], layout: undefined });
    expect(infer('matmul', [{ shape: [1, 2, 2, 2], layout: 'NCHW' }, { shape: [2, 2] }]).layout).toBeUndefined();
  });

  test('errors', () => {
    expectGraphError(() => infer('matmul', [{ shape: [2, 3] }, { shape: [2, 3] }]), 'matmul', 'SHAPE_MISMATCH', 'b with 3 rows', 'a [2,3], b [2,3]');
    expectGraphError(() => infer('matmul', [{ shape: [2, 1, 2] }, { shape: [3, 2, 2] }]), 'matmul', 'SHAPE_MISMATCH', 'NumPy broadcasting', 'a [2,1,2], b [3,2,2]');
    expectGraphError(() => infer('matmul', [{ shape: [] }, { shape: [2] }]), 'matmul', 'SHAPE_MISMATCH', 'rank >= 1', 'a [], b [2]');
  });
});

describe('batchNorm', () => {
  // scale [2,1], bias [0,10], mean [1,0], variance [3,0], epsilon 1:
  // channel 0: 2*(x-1)/sqrt(3+1) + 0 = x - 1;  channel 1: 1*(x-0)/sqrt(0+1) + 10 = x + 10
  const params: In[] = [x1([2, 1]), x1([0, 10]), x1([1, 0]), x1([3, 0])];

  test('NCHW', () => {
    // channel 0 holds [1,3] -> [0,2]; channel 1 holds [2,4] -> [12,14]
    const y = run('batchNorm', [{ shape: [1, 2, 1, 2], data: [1, 3, 2, 4], layout: 'NCHW' }, ...params], { epsilon: 1 });
    expect(y).toEqual({ shape: [1, 2, 1, 2], data: [0, 2, 12, 14], layout: 'NCHW' });
  });

  test('NHWC gives the transpose of the NCHW result', () => {
    // the same tensor channel-last: pixels (c0,c1) = (1,2), (3,4) -> (0,12), (2,14)
    const y = run('batchNorm', [{ shape: [1, 1, 2, 2], data: [1, 2, 3, 4], layout: 'NHWC' }, ...params], { epsilon: 1 });
    expect(y).toEqual({ shape: [1, 1, 2, 2], data: [0, 12, 2, 14], layout: 'NHWC' });
  });

  test('batchNorm after a boundary transpose equals batchNorm then transpose', () => {
    const data = Array.from({ length: 24 }, (_, i) => Math.sin(i) * 3);
    const p: In[] = [x1([1.5, -2, 0.25]), x1([0.1, 0.2, 0.3]), x1([0, 1, -1]), x1([1, 2, 0.5])];
    const chain = (first: 'bn' | 'transpose') => {
      const b = new GraphBuilder();
      const x = b.input('x', [2, 3, 2, 2], { dtype: 'float64', layout: 'NCHW' });
      const ps = p.map((_, i) => b.input(`p${i}`, [3], { dtype: 'float64' }));
      const t = first === 'transpose' ? b.node('transpose', [x], { perm: [0, 2, 3, 1] }) : b.node('batchNorm', [x, ...ps]);
      b.output(first === 'transpose' ? b.node('batchNorm', [t, ...ps]) : b.node('transpose', [t], { perm: [0, 2, 3, 1] }));
      const { validated, weights } = b.build();
      const feeds = Object.fromEntries([['x', tensor('float64', [2, 3, 2, 2], data)], ...p.map((q, i) => [`p${i}`, tensor('float64', [3], q.data!)])]);
      return Array.from(Object.values(evaluateGraph(validated, weights, feeds, { float64: true }))[0]!.data as Float64Array);
    };
    expectClose(chain('transpose'), chain('bn'));
  });

  test('NC and NTC use the last axis', () => {
    // rows (1,2), (3,4) -> (0,12), (2,14)
    expect(run('batchNorm', [{ shape: [2, 2], data: [1, 2, 3, 4], layout: 'NC' }, ...params], { epsilon: 1 }).data).toEqual([0, 12, 2, 14]);
    expect(run('batchNorm', [{ shape: [1, 2, 2], data: [1, 2, 3, 4], layout: 'NTC' }, ...params], { epsilon: 1 }).data).toEqual([0, 12, 2, 14]);
  });

  test('default epsilon 1e-5', () => {
    // 2 / sqrt(1 + 1e-5) = 2 * 0.9999950000374997
    expectClose(run('batchNorm', [{ shape: [1, 1], data: [2], layout: 'NC' }, x1([1]), x1([0]), x1([0]), x1([1])]).data, [2 * 0.9999950000374997]);
  });

  test('variance + epsilon = 0 divides by zero', () => {
    // (1-0)/sqrt(0) = Inf, (0-0)/sqrt(0) = NaN, NaN input stays NaN
    const y = run('batchNorm', [{ shape: [3, 1], data: [1, 0, NaN], layout: 'NC' }, x1([1]), x1([0]), x1([0]), x1([0])], { epsilon: 0 });
    expectClose(y.data, [Infinity, NaN, NaN]);
  });

  test('zero-size dims', () => {
    expect(run('batchNorm', [{ shape: [0, 2, 1, 1], layout: 'NCHW' }, ...params]).shape).toEqual([0, 2, 1, 1]);
    const none = { shape: [0] };
    expect(run('batchNorm', [{ shape: [2, 0], layout: 'NC' }, none, none, none, none]).shape).toEqual([2, 0]);
  });

  test('errors', () => {
    expectGraphError(() => infer('batchNorm', [{ shape: [1, 2] }, ...params]), 'batchNorm', 'SHAPE_MISMATCH', 'layout NCHW, NHWC, NC or NTC', 'no layout on [1,2]');
    expectGraphError(
      () => infer('batchNorm', [{ shape: [1, 2], layout: 'NC' }, x1([1, 1]), x1([0, 0]), x1([0, 0]), x1([1, 1, 1])]),
      'batchNorm',
      'SHAPE_MISMATCH',
      'variance [2] (channels of x [1,2], layout NC)',
      'variance [3]',
    );
    // NHWC channels are the last axis: [1,2,2,3] has 3 channels, not 2
    expectGraphError(() => infer('batchNorm', [{ shape: [1, 2, 2, 3], layout: 'NHWC' }, ...params]), 'batchNorm', 'SHAPE_MISMATCH', 'scale [3]', 'scale [2]');
    expectGraphError(() => infer('batchNorm', [{ shape: [1, 2], layout: 'NC' }, ...params], { epsilon: -1 }), 'batchNorm', 'ATTRIBUTE_INVALID', '>= 0', '-1');
    expectGraphError(() => infer('batchNorm', [{ shape: [1, 2], layout: 'NC' }, ...params], { epsilon: '1e-5' }), 'batchNorm', 'ATTRIBUTE_INVALID', 'a number', '"1e-5"');
    expectGraphError(() => infer('batchNorm', [{ shape: [1, 2], layout: 'NC' }, ...params], { momentum: 0.1 }), 'batchNorm', 'ATTRIBUTE_INVALID', 'epsilon', 'momentum');
  });
});

describe('layerNorm', () => {
  test('last axis, biased variance', () => {
    // row [1,3]: mean 2, var ((1-2)^2 + (3-2)^2)/2 = 1 -> [-1, 1]
    // row [0,4]: mean 2, var (4+4)/2 = 4 -> [-2/2, 2/2] = [-1, 1]
    expect(run('layerNorm', [{ shape: [2, 2], data: [1, 3, 0, 4] }], { epsilon: 0 }).data).toEqual([-1, 1, -1, 1]);
  });

  test('scale and bias', () => {
    // [1,3] -> [-1,1]; * [2,0.5] + [1,1] = [-2+1, 0.5+1] = [-1, 1.5]
    expect(run('layerNorm', [{ shape: [1, 2], data: [1, 3] }, x1([2, 0.5]), x1([1, 1])], { epsilon: 0 }).data).toEqual([-1, 1.5]);
  });

  test('several trailing axes (axis 1 = axis -2 on rank 3)', () => {
    // [1,2,3,4]: mean 2.5, var (2.25+0.25+0.25+2.25)/4 = 1.25, sqrt = 1.118033988749895
    // -> [-1.5,-0.5,0.5,1.5]/1.118... (an unbiased variance, 5/3, would give other numbers)
    const want = [-1.3416407864998738, -0.4472135954999579, 0.4472135954999579, 1.3416407864998738];
    const x: In = { shape: [1, 2, 2], data: [1, 2, 3, 4], layout: 'NTC' };
    const scale: In = { shape: [2, 2], data: [1, 1, 1, 1] };
    for (const axis of [1, -2]) {
      const y = run('layerNorm', [x, scale], { axis, epsilon: 0 });
      expectClose(y.data, want);
      expect(y.layout).toBe('NTC');
    }
  });

  test('default epsilon keeps a constant row finite; two passes keep a large offset exact', () => {
    // [5,5]: (5-5)/sqrt(0 + 1e-5) = 0
    expect(run('layerNorm', [{ shape: [1, 2], data: [5, 5] }]).data).toEqual([0, 0]);
    // [1e8+1, 1e8+3]: mean 1e8+2, deviations -1, 1 -> [-1, 1] (a one-pass E[x^2]-E[x]^2 loses this)
    expect(run('layerNorm', [{ shape: [1, 2], data: [1e8 + 1, 1e8 + 3] }], { epsilon: 0 }).data).toEqual([-1, 1]);
  });

  test('NaN stays in its row', () => {
    expectClose(run('layerNorm', [{ shape: [2, 2], data: [NaN, 1, 1, 3] }], { epsilon: 0 }).data, [NaN, NaN, -1, 1]);
  });

  test('zero-size dims', () => {
    expect(run('layerNorm', [{ shape: [0, 3] }, x1([1, 1, 1])])).toMatchObject({ shape: [0, 3], data: [] });
    expect(run('layerNorm', [{ shape: [2, 0] }])).toMatchObject({ shape: [2, 0], data: [] });
  });

  test('errors', () => {
    expectGraphError(() => infer('layerNorm', [{ shape: [2, 3] }, x1([1, 1])]), 'layerNorm', 'SHAPE_MISMATCH', 'scale [3] (x [2,3] from axis -1)', 'scale [2]');
    expectGraphError(() => infer('layerNorm', [{ shape: [2, 3] }, { shape: [2, 3] }, x1([1, 1, 1])], { axis: 0 }), 'layerNorm', 'SHAPE_MISMATCH', 'bias [2,3]', 'bias [3]');
    expectGraphError(() => infer('layerNorm', [{ shape: [2, 3] }], { axis: 2 }), 'layerNorm', 'ATTRIBUTE_INVALID', '[-2, 1]', '2');
    expectGraphError(() => infer('layerNorm', [{ shape: [2, 3] }], { axis: 0.5 }), 'layerNorm', 'ATTRIBUTE_INVALID', 'an integer', '0.5');
    expectGraphError(() => infer('layerNorm', [{ shape: [2, 3] }], { epsilon: Infinity }), 'layerNorm', 'ATTRIBUTE_INVALID', 'finite', 'Infinity');
  });
});

describe('softmax', () => {
  test('stable over the last axis', () => {
    // [1,2,3] - 3 = [-2,-1,0]; e = [0.1353352832366127, 0.36787944117144233, 1], sum 1.5032147244080551
    expectClose(run('softmax', [x1([1, 2, 3])]).data, [0.09003057317038046, 0.24472847105479764, 0.6652409557748219]);
    // [1000, 1000] - 1000 = [0, 0] -> [0.5, 0.5] (exp(1000) alone would overflow)
    expectClose(run('softmax', [x1([1000, 1000])]).data, [0.5, 0.5]);
  });

  test('axis 0', () => {
    // columns of [[0,1],[0,0]]: [0,0] -> [0.5,0.5]; [1,0] -> [e/(e+1), 1/(e+1)] = [0.7310585786300049, 0.2689414213699951]
    expectClose(run('softmax', [{ shape: [2, 2], data: [0, 1, 0, 0] }], { axis: 0 }).data, [0.5, 0.7310585786300049, 0.5, 0.2689414213699951]);
  });

  test("'channels' follows the layout", () => {
    // channels (0, ln 3) -> (1, 3) / 4 = (0.25, 0.75)
    const ln3 = Math.log(3);
    expectClose(run('softmax', [{ shape: [1, 2, 1, 1], data: [0, ln3], layout: 'NCHW' }], { axis: 'channels' }).data, [0.25, 0.75]);
    // NHWC [1,1,2,2]: pixels (0, ln3) and (ln3, 0) -> (0.25,0.75), (0.75,0.25)
    expectClose(run('softmax', [{ shape: [1, 1, 2, 2], data: [0, ln3, ln3, 0], layout: 'NHWC' }], { axis: 'channels' }).data, [0.25, 0.75, 0.75, 0.25]);
    expect(resolveSoftmaxAxis({ axis: 'channels' }, { dtype: 'float32', shape: [1, 4, 4, 8], layout: 'NHWC' }, {})).toBe(3);
    expect(resolveSoftmaxAxis({ axis: -1 }, { dtype: 'float32', shape: [2, 5] }, {})).toBe(1);
  });

  test('-Infinity, +Infinity and NaN rows', () => {
    // [-Inf, 0]: max 0 -> [exp(-Inf), exp(0)]/1 = [0, 1]
    // [-Inf, -Inf]: max -Inf, -Inf - -Inf = NaN -> [NaN, NaN] (as PyTorch)
    // [Inf, 0]: Inf - Inf = NaN in the sum -> [NaN, NaN];  [NaN, 0] -> [NaN, NaN]
    const y = run('softmax', [{ shape: [4, 2], data: [-Infinity, 0, -Infinity, -Infinity, Infinity, 0, NaN, 0] }]);
    expectClose(y.data, [0, 1, NaN, NaN, NaN, NaN, NaN, NaN]);
  });

  test('zero-size dims', () => {
    expect(run('softmax', [{ shape: [2, 0] }])).toMatchObject({ shape: [2, 0], data: [] });
    expect(run('softmax', [{ shape: [0, 3] }], { axis: 1 })).toMatchObject({ shape: [0, 3], data: [] });
  });

  test('errors', () => {
    expectGraphError(() => infer('softmax', [{ shape: [2, 3] }], { axis: 'channels' }), 'softmax', 'SHAPE_MISMATCH', 'layout NCHW, NHWC, NC or NTC', 'no layout on [2,3]');
    expectGraphError(() => infer('softmax', [{ shape: [2, 3] }], { axis: -3 }), 'softmax', 'ATTRIBUTE_INVALID', '[-2, 1]', '-3');
    expectGraphError(() => infer('softmax', [{ shape: [2, 3] }], { axis: 'spatial' }), 'softmax', 'ATTRIBUTE_INVALID', "'channels'", '"spatial"');
    expectGraphError(() => infer('softmax', [{ shape: [2, 3] }], { axis: 1.5 }), 'softmax', 'ATTRIBUTE_INVALID', 'an integer', '1.5');
  });
});

describe('reshape', () => {
  const x23: In = { shape: [2, 3], data: [1, 2, 3, 4, 5, 6] };

  test('same row-major order; one -1 inferred', () => {
    expect(run('reshape', [x23], { shape: [3, 2] })).toEqual({ shape: [3, 2], data: [1, 2, 3, 4, 5, 6], layout: undefined });
    // 6 elements / 3 = 2
    expect(run('reshape', [x23], { shape: [3, -1] }).shape).toEqual([3, 2]);
    expect(run('reshape', [x23], { shape: [-1] }).shape).toEqual([6]);
    expect(run('reshape', [{ shape: [], data: [7] }], { shape: [1, 1] })).toMatchObject({ shape: [1, 1], data: [7] });
  });

  test('declared layout', () => {
    expect(infer('reshape', [{ shape: [2, 4], layout: 'NC' }], { shape: [2, 4, 1, 1], layout: 'NCHW' })).toEqual({ dtype: 'float64', shape: [2, 4, 1, 1], layout: 'NCHW' });
  });

  test('zero-size dims: 0 is a size, not "copy"', () => {
    expect(run('reshape', [{ shape: [0, 3] }], { shape: [3, 0] })).toMatchObject({ shape: [3, 0], data: [] });
    // 0 elements / 3 = 0
    expect(run('reshape', [{ shape: [0, 3] }], { shape: [-1, 3] }).shape).toEqual([0, 3]);
    // [2,3] has 6 elements; ONNX's copy reading of [0,3] would be [2,3], ours is 0 elements
    expectGraphError(() => infer('reshape', [x23], { shape: [0, 3] }), 'reshape', 'SHAPE_MISMATCH', '6 elements (x [2,3])', 'shape [0,3] for x [2,3]');
  });

  test('errors', () => {
    expectGraphError(() => infer('reshape', [x23], { shape: [4, 2] }), 'reshape', 'SHAPE_MISMATCH', '6 elements (x [2,3])', 'shape [4,2] for x [2,3]');
    expectGraphError(() => infer('reshape', [x23], { shape: [4, -1] }), 'reshape', 'SHAPE_MISMATCH', '6 elements', 'shape [4,-1]');
    expectGraphError(() => infer('reshape', [{ shape: [0, 3] }], { shape: [0, -1] }), 'reshape', 'SHAPE_MISMATCH', '0 elements', 'shape [0,-1]');
    expectGraphError(() => infer('reshape', [x23], { shape: [-1, -1] }), 'reshape', 'ATTRIBUTE_INVALID', 'at most one -1', '[-1,-1]');
    expectGraphError(() => infer('reshape', [x23], { shape: [-2, -3] }), 'reshape', 'ATTRIBUTE_INVALID', '>= -1', '[-2,-3]');
    expectGraphError(() => infer('reshape', [x23], {}), 'reshape', 'ATTRIBUTE_INVALID', 'a list of integers', 'nothing');
    expectGraphError(() => infer('reshape', [x23], { shape: [6], layout: 'NC' }), 'reshape', 'ATTRIBUTE_INVALID', 'rank 2 for layout NC', 'output [6] (rank 1)');
    expectGraphError(() => infer('reshape', [x23], { shape: [6], layout: 'CHW' }), 'reshape', 'ATTRIBUTE_INVALID', 'NCHW, NHWC, NC, NTC', '"CHW"');
  });
});

describe('flatten', () => {
  test('axis picks the split', () => {
    // [2,3,4]: axis 1 -> [2, 12]; 0 -> [1, 24]; 3 (= rank) -> [24, 1]; -1 -> [2*3, 4] = [6, 4]
    const x: In = { shape: [2, 3, 4] };
    expect(infer('flatten', [x]).shape).toEqual([2, 12]);
    expect(infer('flatten', [x], { axis: 0 }).shape).toEqual([1, 24]);
    expect(infer('flatten', [x], { axis: 3 }).shape).toEqual([24, 1]);
    expect(infer('flatten', [x], { axis: -1 }).shape).toEqual([6, 4]);
  });

  test('layout NC only for axis 1 on a value with a layout', () => {
    expect(infer('flatten', [{ shape: [1, 2, 1, 2], layout: 'NCHW' }]).layout).toBe('NC');
    expect(infer('flatten', [{ shape: [1, 2, 1, 2], layout: 'NCHW' }], { axis: 2 }).layout).toBeUndefined();
    expect(infer('flatten', [{ shape: [1, 2, 1, 2] }]).layout).toBeUndefined();
  });

  test('NCHW and NHWC flatten to different orders', () => {
    // NCHW [1,2,1,2]: channel 0 = [1,2], channel 1 = [3,4] -> [1,2,3,4]
    expect(run('flatten', [{ shape: [1, 2, 1, 2], data: [1, 2, 3, 4], layout: 'NCHW' }]).data).toEqual([1, 2, 3, 4]);
    // the same tensor in NHWC is pixels (1,3), (2,4) -> [1,3,2,4]
    expect(run('flatten', [{ shape: [1, 1, 2, 2], data: [1, 3, 2, 4], layout: 'NHWC' }]).data).toEqual([1, 3, 2, 4]);
  });

  test('zero-size dims', () => {
    expect(run('flatten', [{ shape: [0, 3, 2] }])).toMatchObject({ shape: [0, 6], data: [] });
    expect(run('flatten', [{ shape: [2, 0, 3] }])).toMatchObject({ shape: [2, 0], data: [] });
  });

  test('errors', () => {
    expectGraphError(() => infer('flatten', [{ shape: [2, 3, 4] }], { axis: 4 }), 'flatten', 'ATTRIBUTE_INVALID', '[-3, 3]', '4');
    expectGraphError(() => infer('flatten', [{ shape: [2, 3, 4] }], { axis: -4 }), 'flatten', 'ATTRIBUTE_INVALID', '[-3, 3]', '-4');
    expectGraphError(() => infer('flatten', [{ shape: [2, 3] }], { axis: '1' }), 'flatten', 'ATTRIBUTE_INVALID', 'an integer', '"1"');
  });
});

describe('transpose', () => {
  test('default reverses the axes', () => {
    // [[1,2,3],[4,5,6]]^T = [[1,4],[2,5],[3,6]]
    expect(run('transpose', [{ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }])).toEqual({ shape: [3, 2], data: [1, 4, 2, 5, 3, 6], layout: undefined });
  });

  test('NCHW <-> NHWC sets the layout', () => {
    // NCHW [1,2,1,2]: channel 0 = [1,2], channel 1 = [3,4] -> pixels (1,3), (2,4)
    const y = run('transpose', [{ shape: [1, 2, 1, 2], data: [1, 2, 3, 4], layout: 'NCHW' }], { perm: [0, 2, 3, 1] });
    expect(y).toEqual({ shape: [1, 1, 2, 2], data: [1, 3, 2, 4], layout: 'NHWC' });
    const back = run('transpose', [{ shape: [1, 1, 2, 2], data: [1, 3, 2, 4], layout: 'NHWC' }], { perm: [0, 3, 1, 2] });
    expect(back).toEqual({ shape: [1, 2, 1, 2], data: [1, 2, 3, 4], layout: 'NCHW' });
  });

  test('other permutations drop the layout unless declared; identity keeps it', () => {
    // NTC [2,2,1] = [[[1],[2]],[[3],[4]]], perm [1,0,2] swaps batch and tokens -> [[[1],[3]],[[2],[4]]]
    const x: In = { shape: [2, 2, 1], data: [1, 2, 3, 4], layout: 'NTC' };
    expect(run('transpose', [x], { perm: [1, 0, 2] })).toEqual({ shape: [2, 2, 1], data: [1, 3, 2, 4], layout: undefined });
    expect(infer('transpose', [x], { perm: [1, 0, 2], layout: 'NTC' }).layout).toBe('NTC');
    expect(infer('transpose', [x], { perm: [0, 1, 2] }).layout).toBe('NTC');
    expect(infer('transpose', [{ shape: [3, 2], layout: 'NC' }], { perm: [1, 0], layout: 'NC' })).toEqual({ dtype: 'float64', shape: [2, 3], layout: 'NC' });
  });

  test('a rank-3 permutation', () => {
    // x [2,1,3] = [[[1,2,3]],[[4,5,6]]], perm [2,0,1]: y[i,j,k] = x[j,k,i] -> shape [3,2,1] = [[[1],[4]],[[2],[5]],[[3],[6]]]
    expect(run('transpose', [{ shape: [2, 1, 3], data: [1, 2, 3, 4, 5, 6] }], { perm: [2, 0, 1] })).toMatchObject({ shape: [3, 2, 1], data: [1, 4, 2, 5, 3, 6] });
  });

  test('zero-size dims', () => {
    expect(run('transpose', [{ shape: [0, 2] }])).toMatchObject({ shape: [2, 0], data: [] });
  });

  test('errors', () => {
    expectGraphError(() => infer('transpose', [{ shape: [2, 3] }], { perm: [0, 0] }), 'transpose', 'ATTRIBUTE_INVALID', 'a permutation of 0..1', '[0,0]');
    expectGraphError(() => infer('transpose', [{ shape: [2, 3] }], { perm: [0, 1, 2] }), 'transpose', 'ATTRIBUTE_INVALID', 'input rank 2', '[0,1,2]');
    expectGraphError(() => infer('transpose', [{ shape: [2, 3] }], { perm: [0, -1] }), 'transpose', 'ATTRIBUTE_INVALID', '>= 0', '[0,-1]');
    expectGraphError(() => infer('transpose', [{ shape: [2, 3] }], { layout: 'NCHW' }), 'transpose', 'ATTRIBUTE_INVALID', 'rank 4 for layout NCHW', 'output [3,2] (rank 2)');
    expectGraphError(() => infer('transpose', [{ shape: [1, 2, 3, 4], layout: 'NCHW' }], { perm: [0, 2, 3, 1], layout: 'NCHW' }), 'transpose', 'ATTRIBUTE_INVALID', 'layout NHWC', 'layout NCHW');
  });
});
