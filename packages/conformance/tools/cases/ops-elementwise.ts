/** Elementwise binary ops (add, sub, mul, div), activations, clip and softmax. */
import type { Layout } from '@skipconn/core';
import { shapeId, values, type CaseDef, type RangeOptions, type Special } from '../lib';

type Lay = Layout | 'none';

function layoutOf(l: Lay): Layout | undefined {
  return l === 'none' ? undefined : l;
}

function binaryCase(op: string, variant: string, la: Lay, a: number[], lb: Lay, b: number[], opts: { ra?: RangeOptions; rb?: RangeOptions; dtype?: 'float16'; description?: string } = {}): CaseDef {
  return {
    id: `op/${op}/${variant}/${la}/${shapeId(a)}x${shapeId(b)}${opts.dtype ? `/${opts.dtype}` : ''}`,
    description: opts.description,
    build: (g) => {
      const x = g.input('a', a, { layout: layoutOf(la), dtype: opts.dtype, ...opts.ra });
      const y = g.input('b', b, { layout: layoutOf(lb), dtype: opts.dtype, ...opts.rb });
      g.output(g.node(op, [x, y], {}, 'y'));
    },
  };
}

const SPECIALS_A: Record<number, Special> = { 0: 'NaN', 1: 'Infinity', 2: '-Infinity', 3: '-0', 4: 1e30, 5: -1e30, 6: 'Infinity', 7: 0 };
// 1e30 / 1e-8 = 1e38 stays below float32's 3.4e38, so every op's golden is representable in float32.
const SPECIALS_B: Record<number, Special> = { 1: 2, 2: 'Infinity', 3: '-0', 4: 1e-8, 5: 1e8, 6: '-Infinity', 7: '-0' };

export function binaryCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  for (const op of ['add', 'sub', 'mul', 'div']) {
    // div stays away from zero divisors in random data: the literal cases cover x/0
    const rb: RangeOptions = op === 'div' ? { low: 0.5, high: 2 } : {};
    cases.push(binaryCase(op, 'same', 'none', [], 'none', [], { rb, description: 'rank 0' }));
    cases.push(binaryCase(op, 'same', 'none', [7], 'none', [7], { rb }));
    cases.push(binaryCase(op, 'same', 'NC', [3, 4], 'NC', [3, 4], { rb }));
    cases.push(binaryCase(op, 'same', 'NTC', [2, 3, 4], 'NTC', [2, 3, 4], { rb }));
    cases.push(binaryCase(op, 'same', 'NCHW', [2, 3, 4, 5], 'NCHW', [2, 3, 4, 5], { rb }));
    cases.push(binaryCase(op, 'broadcast-outer', 'none', [3, 1], 'none', [1, 4], { rb, description: '[3,1] op [1,4] -> [3,4]' }));
    cases.push(binaryCase(op, 'broadcast-trailing', 'NCHW', [2, 3, 4, 5], 'none', [5], { rb, description: 'a rank-1 operand aligns with the last axis' }));
    cases.push(binaryCase(op, 'broadcast-scalar', 'NHWC', [2, 4, 5, 3], 'none', [], { rb, description: 'a rank-0 operand' }));
    cases.push(binaryCase(op, 'broadcast-both', 'none', [2, 1, 4], 'none', [3, 1], { rb, description: '[2,1,4] op [3,1] -> [2,3,4]' }));
    cases.push(binaryCase(op, 'zero-size', 'none', [0, 3], 'none', [3], { rb }));
    cases.push(binaryCase(op, 'zero-size-broadcast', 'none', [2, 0, 4], 'none', [1, 4], { rb }));
    cases.push(binaryCase(op, 'specials', 'none', [8], 'none', [8], { ra: { special: SPECIALS_A }, rb: { ...rb, special: SPECIALS_B }, description: 'NaN, +-Infinity, -0, 1e30 and tiny values on both sides' }));
    cases.push(binaryCase(op, 'large', 'NC', [3, 4], 'NC', [3, 4], { ra: { low: -1e30, high: 1e30 }, rb: op === 'mul' || op === 'div' ? { low: 0.5, high: 2 } : { low: -1e30, high: 1e30 } }));
    cases.push(binaryCase(op, 'same', 'NC', [3, 4], 'NC', [3, 4], { rb, dtype: 'float16' }));
  }
  cases.push({
    id: 'op/add/literal/broadcast/none/[2,1]x[3]',
    why: '[[1],[2]] + [10,20,30] = [[11,21,31],[12,22,32]]',
    build: (g) => g.output(g.node('add', [g.input('a', [2, 1], { values: [1, 2] }), g.input('b', [3], { values: [10, 20, 30] })], {}, 'y')),
    expected: values([11, 21, 31, 12, 22, 32]),
  });
  cases.push({
    id: 'op/sub/literal/specials/none/[4]',
    why: 'Inf - Inf = NaN; -Inf - 1 = -Inf; 1 - NaN = NaN; 0 - 0 = 0',
    build: (g) => g.output(g.node('sub', [g.input('a', [4], { values: ['Infinity', '-Infinity', 1, 0] }), g.input('b', [4], { values: ['Infinity', 1, 'NaN', 0] })], {}, 'y')),
    expected: values(['NaN', '-Infinity', 'NaN', 0]),
  });
  cases.push({
    id: 'op/mul/literal/specials/none/[4]',
    why: 'Inf * 0 = NaN; -Inf * -2 = Inf; 3 * 0.5 = 1.5; -0 * 5 = -0',
    build: (g) => g.output(g.node('mul', [g.input('a', [4], { values: ['Infinity', '-Infinity', 3, '-0'] }), g.input('b', [4], { values: [0, -2, 0.5, 5] })], {}, 'y')),
    expected: values(['NaN', 'Infinity', 1.5, '-0']),
  });
  cases.push({
    id: 'op/div/literal/by-zero/none/[6]',
    why: '1/0 = Inf; -1/0 = -Inf; 0/0 = NaN; 1/-0 = -Inf (the sign of the zero divisor matters); 1/Inf = 0; Inf/Inf = NaN',
    build: (g) => g.output(g.node('div', [g.input('a', [6], { values: [1, -1, 0, 1, 1, 'Infinity'] }), g.input('b', [6], { values: [0, 0, 0, '-0', 'Infinity', 'Infinity'] })], {}, 'y')),
    expected: values(['Infinity', '-Infinity', 'NaN', '-Infinity', 0, 'NaN']),
  });
  cases.push({
    id: 'op/mul/literal/broadcast/NCHW/[1,2,1,2]x[2,1,1]',
    why: 'x [1,2,1,2] = [1,2,3,4] times b [2,1,1] = [10, -1] per channel: [10,20,-3,-4]',
    build: (g) => g.output(g.node('mul', [g.input('a', [1, 2, 1, 2], { layout: 'NCHW', values: [1, 2, 3, 4] }), g.input('b', [2, 1, 1], { values: [10, -1] })], {}, 'y')),
    expected: values([10, 20, -3, -4]),
  });
  return cases;
}

const ACT_SPECIALS: Record<number, Special> = { 0: 'NaN', 1: 'Infinity', 2: '-Infinity', 3: '-0', 4: 0, 5: 1e30, 6: -1e30, 7: 88, 8: -88, 9: 100, 10: -100, 11: 1e-30 };

function unaryCase(op: string, variant: string, layout: Lay, shape: number[], attrs: Record<string, unknown> = {}, opts: RangeOptions & { dtype?: 'float16'; description?: string } = {}): CaseDef {
  return {
    id: `op/${op}/${variant}/${layout}/${shapeId(shape)}${opts.dtype ? `/${opts.dtype}` : ''}`,
    description: opts.description,
    build: (g) => g.output(g.node(op, [g.input('x', shape, { layout: layoutOf(layout), ...opts })], attrs, 'y')),
  };
}

export function activationCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  const forms: [string, string, Record<string, unknown>][] = [
    ['relu', 'relu', {}],
    ['gelu', 'gelu-erf', {}],
    ['gelu', 'gelu-tanh', { approximate: 'tanh' }],
    ['sigmoid', 'sigmoid', {}],
    ['tanh', 'tanh', {}],
    ['silu', 'silu', {}],
  ];
  for (const [op, name, attrs] of forms) {
    const v = (s: string) => (name === op ? s : `${name.slice(op.length + 1)}/${s}`);
    cases.push(unaryCase(op, v('rank0'), 'none', [], attrs));
    cases.push(unaryCase(op, v('rank1'), 'none', [9], attrs, { low: -6, high: 6 }));
    cases.push(unaryCase(op, v('rank2'), 'NC', [4, 16], attrs, { low: -6, high: 6 }));
    cases.push(unaryCase(op, v('rank3'), 'NTC', [2, 5, 8], attrs, { low: -6, high: 6 }));
    cases.push(unaryCase(op, v('rank4'), 'NCHW', [2, 3, 4, 5], attrs, { low: -6, high: 6 }));
    cases.push(unaryCase(op, v('rank4'), 'NHWC', [2, 4, 5, 3], attrs, { low: -6, high: 6 }));
    cases.push(unaryCase(op, v('zero-size'), 'NCHW', [0, 3, 4, 4], attrs));
    cases.push(unaryCase(op, v('specials'), 'none', [12], attrs, { special: ACT_SPECIALS, description: 'NaN, +-Infinity, +-0, +-1e30, +-88 and +-100 (exp overflow region), 1e-30' }));
    cases.push(unaryCase(op, v('wide'), 'none', [64], attrs, { low: -30, high: 30, description: 'the saturating tails' }));
    cases.push(unaryCase(op, v('rank2'), 'NC', [4, 16], attrs, { low: -6, high: 6, dtype: 'float16' }));
  }
  cases.push({
    id: 'op/relu/literal/none/[6]',
    why: 'max(x, 0) with NaN kept: [-2 -> 0, -0 -> 0 (sign not compared), 0.5, NaN, -Inf -> 0, Inf]',
    build: (g) => g.output(g.node('relu', [g.input('x', [6], { values: [-2, '-0', 0.5, 'NaN', '-Infinity', 'Infinity'] })], {}, 'y')),
    expected: values([0, 0, 0.5, 'NaN', 0, 'Infinity']),
  });
  cases.push({
    id: 'op/sigmoid/literal/none/[5]',
    why: 'sigmoid(0) = 0.5; sigmoid(+-Inf) = 1 and 0; sigmoid(ln 3) = 3/4; sigmoid(-ln 3) = 1/4',
    build: (g) => g.output(g.node('sigmoid', [g.input('x', [5], { values: [0, 'Infinity', '-Infinity', Math.fround(Math.log(3)), Math.fround(-Math.log(3))] })], {}, 'y')),
    expected: values([0.5, 1, 0, 0.75, 0.25]),
  });
  cases.push({
    id: 'op/gelu/erf/literal/none/[4]',
    why: 'gelu(x) = x * Phi(x): gelu(0) = 0, gelu(1) = 0.8413447460685429, gelu(-1) = -0.15865525393145707, gelu(3) = 3 * 0.9986501019683699 = 2.99595030590511',
    build: (g) => g.output(g.node('gelu', [g.input('x', [4], { values: [0, 1, -1, 3] })], {}, 'y')),
    expected: values([0, 0.8413447460685429, -0.15865525393145707, 2.99595030590511]),
  });
  return cases;
}

/**
 * clip in the forms models use: ReLU6 (MobileNetV2), only a lower bound, only an upper bound,
 * Hardtanh, bounds written as the JSON strings "-Infinity" / "Infinity", and no bounds at all.
 */
export function clipCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  const forms: [string, Record<string, unknown>, RangeOptions][] = [
    // ranges reach past both bounds, so every form clips some elements and keeps others
    ['relu6', { min: 0, max: 6 }, { low: -8, high: 8 }],
    ['min-only', { min: -1 }, { low: -6, high: 6 }],
    ['max-only', { max: 0.5 }, { low: -6, high: 6 }],
  ];
  for (const [form, attrs, range] of forms) {
    const v = (s: string) => `${form}/${s}`;
    cases.push(unaryCase('clip', v('rank0'), 'none', [], attrs, { low: -8, high: 8 }));
    cases.push(unaryCase('clip', v('rank1'), 'none', [9], attrs, range));
    cases.push(unaryCase('clip', v('rank2'), 'NC', [4, 16], attrs, range));
    cases.push(unaryCase('clip', v('rank3'), 'NTC', [2, 5, 8], attrs, range));
    cases.push(unaryCase('clip', v('rank4'), 'NCHW', [2, 3, 4, 5], attrs, range));
    cases.push(unaryCase('clip', v('rank4'), 'NHWC', [2, 4, 5, 3], attrs, range));
    cases.push(unaryCase('clip', v('zero-size'), 'NCHW', [0, 3, 4, 4], attrs));
    cases.push(unaryCase('clip', v('specials'), 'none', [12], attrs, { special: ACT_SPECIALS, description: 'NaN propagates, +-Infinity clamp to the bounds, -0 stays -0 inside the range, +-1e30' }));
    cases.push(unaryCase('clip', v('large'), 'NC', [3, 8], attrs, { low: -1e30, high: 1e30 }));
    cases.push(unaryCase('clip', v('rank2'), 'NC', [4, 16], attrs, { ...range, dtype: 'float16' }));
  }
  cases.push(unaryCase('clip', 'hardtanh/rank4', 'NCHW', [2, 3, 4, 5], { min: -1, max: 1 }, { low: -3, high: 3, description: 'Hardtanh = clip(-1, 1)' }));
  cases.push(unaryCase('clip', 'infinity-strings/rank2', 'NC', [4, 16], { min: '-Infinity', max: 6 }, { low: -8, high: 8, description: 'min written as the JSON string "-Infinity": no lower bound' }));
  cases.push(unaryCase('clip', 'no-bounds/specials', 'none', [12], {}, { special: ACT_SPECIALS, description: 'no bounds: the identity, NaN, +-Infinity and -0 included' }));
  cases.push(unaryCase('clip', 'equal-bounds/rank2', 'NC', [3, 4], { min: 0.25, max: 0.25 }, { special: { 0: 'NaN', 1: 'Infinity' }, description: 'min == max: every element becomes 0.25 except NaN' }));
  cases.push({
    id: 'op/clip/relu6/literal/none/[8]',
    why: 'clip(x, 0, 6): -2 -> 0; -0 stays -0 (inside [0, 6]; the comparison does not see the sign); 0.5 stays; 6 stays; 7 -> 6; NaN stays NaN; -Inf -> 0; +Inf -> 6',
    build: (g) => g.output(g.node('clip', [g.input('x', [8], { values: [-2, '-0', 0.5, 6, 7, 'NaN', '-Infinity', 'Infinity'] })], { min: 0, max: 6 }, 'y')),
    expected: values([0, '-0', 0.5, 6, 6, 'NaN', 0, 6]),
  });
  cases.push({
    id: 'op/clip/max-only/literal/none/[6]',
    why: 'clip(x, max 0.5), no lower bound: -Inf stays -Inf; -3 stays; 0.25 stays; 0.5 stays; 2 -> 0.5; +Inf -> 0.5',
    build: (g) => g.output(g.node('clip', [g.input('x', [6], { values: ['-Infinity', -3, 0.25, 0.5, 2, 'Infinity'] })], { max: 0.5 }, 'y')),
    expected: values(['-Infinity', -3, 0.25, 0.5, 0.5, 0.5]),
  });
  return cases;
}

export function hardSigmoidCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  const forms: [string, Record<string, unknown>, string][] = [
    ['default', {}, 'alpha 0.2, beta 0.5 (ONNX defaults, Keras 2 hard_sigmoid)'],
    ['pytorch', { alpha: 1 / 6, beta: 0.5 }, "PyTorch's Hardsigmoid, relu6(x + 3) / 6 (MobileNetV3's gate)"],
    ['negative-slope', { alpha: -0.5, beta: 0.25 }, 'a negative slope: -Infinity gives 1, +Infinity 0'],
  ];
  for (const [form, attrs, what] of forms) {
    const v = (s: string) => `${form}/${s}`;
    // the ranges reach past both saturation points of every form
    const range = { low: -8, high: 8, description: what };
    cases.push(unaryCase('hardSigmoid', v('rank0'), 'none', [], attrs, range));
    cases.push(unaryCase('hardSigmoid', v('rank1'), 'none', [9], attrs, range));
    cases.push(unaryCase('hardSigmoid', v('rank2'), 'NC', [4, 16], attrs, range));
    cases.push(unaryCase('hardSigmoid', v('rank3'), 'NTC', [2, 5, 8], attrs, range));
    cases.push(unaryCase('hardSigmoid', v('rank4'), 'NCHW', [2, 3, 4, 5], attrs, range));
    cases.push(unaryCase('hardSigmoid', v('rank4'), 'NHWC', [2, 4, 5, 3], attrs, range));
    cases.push(unaryCase('hardSigmoid', v('zero-size'), 'NCHW', [0, 3, 4, 4], attrs));
    cases.push(unaryCase('hardSigmoid', v('specials'), 'none', [12], attrs, { special: ACT_SPECIALS, description: 'NaN propagates, +-Infinity saturate, -0, +-1e30' }));
    cases.push(unaryCase('hardSigmoid', v('large'), 'NC', [3, 8], attrs, { low: -1e30, high: 1e30 }));
    cases.push(unaryCase('hardSigmoid', v('rank2'), 'NC', [4, 16], attrs, { ...range, dtype: 'float16' }));
  }
  cases.push({
    id: 'op/hardSigmoid/default/literal/none/[9]',
    why: 't = 0.2x + 0.5: -3 -> -0.1 -> 0; -2.5 -> 0; 0 -> 0.5; 1 -> 0.7; 2.5 -> 1; 3 -> 1.1 -> 1; NaN stays NaN; -Inf -> 0; +Inf -> 1',
    build: (g) => g.output(g.node('hardSigmoid', [g.input('x', [9], { values: [-3, -2.5, 0, 1, 2.5, 3, 'NaN', '-Infinity', 'Infinity'] })], {}, 'y')),
    expected: values([0, 0, 0.5, 0.7, 1, 1, 'NaN', 0, 1]),
  });
  cases.push({
    id: 'op/hardSigmoid/pytorch/literal/none/[7]',
    why: 't = x/6 + 0.5: -4 -> 0; -3 -> 0; -0 -> 0.5; 1.5 -> 0.75; 3 -> 1; 4 -> 1; -1.5 -> 0.25',
    build: (g) => g.output(g.node('hardSigmoid', [g.input('x', [7], { values: [-4, -3, '-0', 1.5, 3, 4, -1.5] })], { alpha: 1 / 6, beta: 0.5 }, 'y')),
    expected: values([0, 0, 0.5, 0.75, 1, 1, 0.25]),
  });
  return cases;
}

export function softmaxCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  const range = { low: -8, high: 8 };
  cases.push(unaryCase('softmax', 'axis-last', 'none', [9], { axis: -1 }, range));
  cases.push(unaryCase('softmax', 'axis-last', 'NC', [4, 10], {}, { ...range, description: 'default axis -1' }));
  cases.push(unaryCase('softmax', 'axis-last', 'NTC', [2, 5, 7], { axis: -1 }, range));
  cases.push(unaryCase('softmax', 'axis-last', 'none', [2, 2, 5, 5], { axis: 3 }, { ...range, description: 'attention scores [B, heads, T, T]' }));
  cases.push(unaryCase('softmax', 'axis0', 'none', [4, 3], { axis: 0 }, range));
  cases.push(unaryCase('softmax', 'axis-middle', 'none', [2, 6, 3], { axis: 1 }, range));
  cases.push(unaryCase('softmax', 'axis-negative', 'none', [2, 6, 3], { axis: -2 }, range));
  cases.push(unaryCase('softmax', 'channels', 'NCHW', [2, 4, 3, 3], { axis: 'channels' }, { ...range, description: "axis 'channels' resolves to 1 in NCHW" }));
  cases.push(unaryCase('softmax', 'channels', 'NHWC', [2, 3, 3, 4], { axis: 'channels' }, { ...range, description: "axis 'channels' resolves to 3 in NHWC" }));
  cases.push(unaryCase('softmax', 'channels', 'NTC', [2, 5, 6], { axis: 'channels' }, range));
  cases.push(unaryCase('softmax', 'wide', 'NC', [3, 16], {}, { low: -100, high: 100, description: 'logits whose exp overflows float32 without the max subtraction' }));
  cases.push(unaryCase('softmax', 'large', 'NC', [2, 8], {}, { low: -1e30, high: 1e30, description: 'logits near +-1e30: one-hot rows' }));
  cases.push(unaryCase('softmax', 'zero-size-batch', 'NC', [0, 5], {}));
  cases.push(unaryCase('softmax', 'zero-size-axis', 'NC', [3, 0], {}));
  cases.push(unaryCase('softmax', 'rank1', 'none', [1], {}, { description: 'a single element: 1' }));
  cases.push({
    id: 'op/softmax/literal/specials/NC/[4,3]',
    why: 'rows: [0,0,0] -> 1/3 each; [-Inf,0,-Inf] -> [0,1,0]; [-Inf,-Inf,-Inf] -> NaN (exp(-inf - -inf)); [1,Inf,2] -> NaN (Inf - Inf in the row)',
    build: (g) => g.output(g.node('softmax', [g.input('x', [4, 3], { layout: 'NC', values: [0, 0, 0, '-Infinity', 0, '-Infinity', '-Infinity', '-Infinity', '-Infinity', 1, 'Infinity', 2] })], {}, 'y')),
    expected: values([1 / 3, 1 / 3, 1 / 3, 0, 1, 0, 'NaN', 'NaN', 'NaN', 'NaN', 'NaN', 'NaN']),
  });
  cases.push({
    id: 'op/softmax/literal/ln2/NC/[1,2]',
    why: 'logits [0, ln 2]: exp gives [1, 2], sum 3: [1/3, 2/3]; x rounded to float32 changes the last digits only',
    build: (g) => g.output(g.node('softmax', [g.input('x', [1, 2], { layout: 'NC', values: [0, Math.fround(Math.LN2)] })], {}, 'y')),
    expected: values([1 / 3, 2 / 3]),
  });
  cases.push(unaryCase('softmax', 'nan-row', 'NC', [3, 4], {}, { special: { 5: 'NaN' }, description: 'a NaN makes its row NaN; the other rows are untouched' }));
  return cases;
}

export function castCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  const toFloat = { to: 'float32' };
  const toInt = { to: 'int32' };
  const cast = (variant: string, layout: Lay, shape: number[], attrs: Record<string, unknown>, opts: RangeOptions & { dtype?: 'float16' | 'int32' | 'float32'; description?: string } = {}): CaseDef => ({
    id: `op/cast/${variant}/${layout}/${shapeId(shape)}${opts.dtype ? `/${opts.dtype}` : ''}`,
    description: opts.description,
    build: (g) => g.output(g.node('cast', [g.input('x', shape, { layout: layoutOf(layout), ...opts })], attrs, 'y')),
  });
  // int32 -> float32: pixel values (MoveNet's int32 image), then the whole int32 range, where float32 rounds
  cases.push(cast('int32-to-float32/pixels', 'NHWC', [1, 4, 4, 3], toFloat, { dtype: 'int32', low: 0, high: 255, description: 'an int32 image, as MoveNet takes it' }));
  cases.push(cast('int32-to-float32/rank0', 'none', [], toFloat, { dtype: 'int32', low: -1000, high: 1000 }));
  cases.push(cast('int32-to-float32/large', 'none', [16], toFloat, { dtype: 'int32', low: -2e9, high: 2e9, description: 'beyond 2^24 float32 rounds to nearest even' }));
  cases.push(cast('int32-to-float32/zero-size', 'NCHW', [0, 3, 2, 2], toFloat, { dtype: 'int32' }));
  // float -> float32: the value itself, specials included
  cases.push(cast('float32-to-float32/specials', 'none', [12], toFloat, { special: ACT_SPECIALS, description: 'the same dtype: every value unchanged, NaN and +-Infinity included' }));
  cases.push(cast('float16-to-float32', 'NC', [4, 16], toFloat, { dtype: 'float16', low: -100, high: 100, description: 'float16 widens exactly' }));
  // float32 -> int32 in range (NaN and out-of-range values are this IR's choice, which runtimes do not share: see the literal case)
  cases.push(cast('float32-to-int32', 'NCHW', [2, 3, 4, 5], toInt, { low: -300, high: 300, description: 'truncation toward zero' }));
  cases.push(cast('float32-to-int32/large', 'none', [16], toInt, { low: -2e9, high: 2e9, description: 'in range up to +-2e9' }));
  cases.push(cast('float32-to-int32/zero-size', 'none', [0], toInt));
  cases.push(cast('int32-to-int32', 'NC', [3, 5], toInt, { dtype: 'int32', low: -1e9, high: 1e9, description: 'the same dtype: unchanged' }));
  cases.push({
    id: 'op/cast/literal/int32-to-float32/none/[6]',
    why: '0 -> 0; -7 -> -7; 255 -> 255; 2^24 + 1 = 16777217 -> 16777216 (ties to even); 2^24 + 3 -> 16777220; 2^31 - 1 -> 2^31',
    build: (g) => g.output(g.node('cast', [g.input('x', [6], { dtype: 'int32', values: [0, -7, 255, 16777217, 16777219, 2147483647] })], toFloat, 'y')),
    expected: values([0, -7, 255, 16777216, 16777220, 2147483648]),
  });
  cases.push({
    id: 'op/cast/literal/float32-to-int32/none/[7]',
    why: 'truncation toward zero: 2.7 -> 2; -2.7 -> -2; 0.5 -> 0; -0.5 -> 0; -0 -> 0; 1e9 -> 1e9; -2^31 -> -2^31',
    build: (g) => g.output(g.node('cast', [g.input('x', [7], { values: [2.7, -2.7, 0.5, -0.5, '-0', 1e9, -2147483648] })], toInt, 'y')),
    expected: values([2, -2, 0, 0, 0, 1e9, -2147483648]),
  });
  return cases;
}

export function eluCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  const forms: [string, Record<string, unknown>, string][] = [
    ['default', {}, 'alpha 1 (ONNX default, TF Elu, Keras elu)'],
    ['alpha', { alpha: 0.5 }, 'alpha 0.5: -Infinity gives -0.5'],
  ];
  for (const [form, attrs, what] of forms) {
    const v = (s: string) => `${form}/${s}`;
    const range = { low: -6, high: 6, description: what };
    cases.push(unaryCase('elu', v('rank0'), 'none', [], attrs));
    cases.push(unaryCase('elu', v('rank1'), 'none', [9], attrs, range));
    cases.push(unaryCase('elu', v('rank2'), 'NC', [4, 16], attrs, range));
    cases.push(unaryCase('elu', v('rank4'), 'NCHW', [2, 3, 4, 5], attrs, range));
    cases.push(unaryCase('elu', v('rank4'), 'NHWC', [2, 4, 5, 3], attrs, range));
    cases.push(unaryCase('elu', v('zero-size'), 'NCHW', [0, 3, 4, 4], attrs));
    cases.push(unaryCase('elu', v('specials'), 'none', [12], attrs, { special: ACT_SPECIALS, description: 'NaN passes, +Infinity stays, -Infinity gives -alpha, -0 stays -0, +-1e30, 1e-30' }));
    cases.push(unaryCase('elu', v('large'), 'NC', [3, 8], attrs, { low: -1e30, high: 1e30 }));
    cases.push(unaryCase('elu', v('small'), 'none', [16], attrs, { low: -1e-3, high: 1e-3, description: 'near 0, where exp(x) - 1 cancels' }));
    cases.push(unaryCase('elu', v('rank2'), 'NC', [4, 16], attrs, { ...range, dtype: 'float16' }));
  }
  cases.push({
    id: 'op/elu/default/literal/none/[6]',
    why: 'x >= 0 passes: 2 -> 2, 0 -> 0; -1 -> e^-1 - 1 = -0.6321205588285577; -Infinity -> -1; NaN stays NaN; +Infinity stays',
    build: (g) => g.output(g.node('elu', [g.input('x', [6], { values: [2, 0, -1, '-Infinity', 'NaN', 'Infinity'] })], {}, 'y')),
    expected: values([2, 0, Math.exp(-1) - 1, -1, 'NaN', 'Infinity']),
  });
  cases.push({
    id: 'op/elu/alpha/literal/none/[3]',
    why: 'alpha 0.5: -ln 2 -> 0.5 * (1/2 - 1) = -0.25; -Infinity -> -0.5; 3 -> 3',
    build: (g) => g.output(g.node('elu', [g.input('x', [3], { values: [-Math.LN2, '-Infinity', 3] })], { alpha: 0.5 }, 'y')),
    expected: values([-0.25, -0.5, 3]),
  });
  return cases;
}

export function sqrtCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  cases.push(unaryCase('sqrt', 'rank0', 'none', [], {}, { low: 0, high: 100 }));
  cases.push(unaryCase('sqrt', 'rank2', 'NC', [4, 16], {}, { low: 0, high: 100 }));
  cases.push(unaryCase('sqrt', 'rank4', 'NHWC', [2, 4, 5, 3], {}, { low: 0, high: 4 }));
  cases.push(unaryCase('sqrt', 'zero-size', 'NCHW', [0, 3, 4, 4], {}));
  cases.push(unaryCase('sqrt', 'large', 'NC', [3, 8], {}, { low: 0, high: 1e30 }));
  cases.push(unaryCase('sqrt', 'rank2', 'NC', [4, 16], {}, { low: 0, high: 100, dtype: 'float16' }));
  cases.push({
    id: 'op/sqrt/literal/none/[8]',
    why: '4 -> 2; 2 -> 1.4142135623730951; 0 -> 0; -0 -> -0; +Infinity -> +Infinity; -1, -Infinity and NaN -> NaN',
    build: (g) => g.output(g.node('sqrt', [g.input('x', [8], { values: [4, 2, 0, '-0', 'Infinity', -1, '-Infinity', 'NaN'] })], {}, 'y')),
    expected: values([2, Math.SQRT2, 0, '-0', 'Infinity', 'NaN', 'NaN', 'NaN']),
  });
  return cases;
}
