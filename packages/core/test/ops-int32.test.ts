/**
 * int32 arithmetic (add, sub, mul with two's complement wrapping, floorDiv toward -Infinity), its
 * undefined cases (the reference refuses them), and the dtype rules of the binary ops.
 */
import { GraphBuilder, GraphError, SkipconnError, evaluateGraph, floorDivValue, tensor, type DType, type HostTensor } from '../src';

function binary(op: string, a: HostTensor, b: HostTensor): HostTensor {
  const g = new GraphBuilder(`${op}-int32`);
  g.output(g.node(op, [g.input('a', a.shape, { dtype: a.dtype }), g.input('b', b.shape, { dtype: b.dtype })], {}, 'y'));
  const { validated, weights } = g.build();
  return evaluateGraph(validated, weights, { a, b })['y']!;
}

const i32 = (values: number[]) => tensor('int32', [values.length], values);
const ints = (t: HostTensor) => Array.from(t.data as Int32Array);

function buildError(op: string, dtype: DType): GraphError {
  const g = new GraphBuilder('bad');
  g.output(g.node(op, [g.input('a', [2], { dtype }), g.input('b', [2], { dtype })], {}, 'y'));
  try {
    g.build();
  } catch (err) {
    if (err instanceof GraphError) return err;
    throw err;
  }
  throw new Error(`expected ${op} on ${dtype} to fail validation`);
}

test('int32 add and sub wrap around 2^32', () => {
  // 2^31 - 1 + 1 = 2^31 -> -2^31; 2e9 + 2e9 = 4e9 - 2^32 = -294967296
  expect(ints(binary('add', i32([2147483647, 2000000000, -5]), i32([1, 2000000000, 3])))).toEqual([-2147483648, -294967296, -2]);
  // -2^31 - 1 -> 2^31 - 1
  expect(ints(binary('sub', i32([-2147483648, 10]), i32([1, 12])))).toEqual([2147483647, -2]);
});

test('int32 mul wraps exactly, also where the product is beyond 2^53', () => {
  // 65536^2 = 2^32 -> 0; 70000^2 = 4900000000 - 2^32 = 605032704;
  // (2^31 - 1)^2 = 2^62 - 2^32 + 1 -> 1, which float64 (2^62 - 2^32 + 1 rounds to 2^62 - 2^32) would lose
  expect(ints(binary('mul', i32([65536, 70000, 2147483647, -3]), i32([65536, 70000, 2147483647, 48])))).toEqual([0, 605032704, 1, -144]);
});

test('floorDiv rounds toward -Infinity', () => {
  expect(ints(binary('floorDiv', i32([7, -7, 7, -7, 0, -1, 2303]), i32([2, 2, -2, -2, -5, 48, 48])))).toEqual([3, -4, -4, 3, 0, -1, 47]);
  // broadcasting a scalar divisor, as idx // W is written
  expect(ints(binary('floorDiv', tensor('int32', [2, 2], [95, 96, -1, 2303]), tensor('int32', [], [48])))).toEqual([1, 2, -1, 47]);
  // -2^31 // 7 = -306783378.28... -> -306783379
  expect(floorDivValue(-2147483648, 7)).toBe(-306783379);
  expect(Object.is(floorDivValue(0, -3), 0)).toBe(true);
});

test('floorDiv by zero and -2^31 // -1 are undefined: the reference refuses them', () => {
  const refuse = (a: number, b: number) => {
    try {
      binary('floorDiv', i32([a]), i32([b]));
    } catch (err) {
      if (err instanceof SkipconnError) return `${err.code}: ${err.message}`;
      throw err;
    }
    throw new Error(`expected ${a} // ${b} to be refused`);
  };
  expect(refuse(5, 0)).toMatch(/INPUT_INVALID: floorDiv: division by zero \(5 \/\/ 0\).*non-zero divisor, received 0/);
  expect(refuse(-2147483648, -1)).toMatch(/INPUT_INVALID: .*overflows int32.*received 2147483648/);
});

test('dtype rules: div reads floats only, floorDiv int32 only, add/sub/mul both', () => {
  expect(buildError('div', 'int32').message).toMatch(/div does not read dtype int32: expected float32, float16, float64, received int32\. integer division is floorDiv/);
  expect(buildError('floorDiv', 'float32').message).toMatch(/floorDiv does not read dtype float32: expected int32, received float32\. float division is div/);
  expect(buildError('add', 'uint8').message).toMatch(/add does not read dtype uint8: expected float32, float16, float64, int32, received uint8/);
  const g = new GraphBuilder('mixed');
  g.output(g.node('add', [g.input('a', [2], { dtype: 'int32' }), g.input('b', [2])], {}, 'y'));
  expect(() => g.build()).toThrow(/inputs must share one dtype: expected int32, received int32, float32/);
});
