/**
 * cast: hand-computed values for both targets (truncation toward zero, rounding to float32 beyond
 * 2^24, the IR's NaN and saturation rule) and the attribute and dtype rules.
 */
import { castValue, tensor, type Attrs, type DType, type GraphError, type HostTensor } from '../src';
import { evaluateOneOp, oneOpBuildError } from './one-op';

const run = (x: HostTensor, to: 'float32' | 'int32'): HostTensor => evaluateOneOp('cast', x, { to });
const buildError = (attrs: Attrs, dtype: DType = 'float32'): GraphError => oneOpBuildError('cast', [2], attrs, dtype);

test('int32 -> float32 is exact up to 2^24 and rounds to nearest even beyond', () => {
  // 2^24 + 1 = 16777217 lies halfway between 16777216 and 16777218: ties to even -> 16777216;
  // 2^24 + 3 halfway between ...218 and ...220 -> 16777220; 2^31 - 1 -> 2^31.
  const y = run(tensor('int32', [6], [0, -7, 255, 16777217, 16777219, 2147483647]), 'float32');
  expect(y.dtype).toBe('float32');
  expect(Array.from(y.data as Float32Array)).toEqual([0, -7, 255, 16777216, 16777220, 2147483648]);
});

test('float32 -> int32 truncates toward zero', () => {
  // 2.7 -> 2, -2.7 -> -2, 0.5 -> 0, -0.5 -> 0 (an int32 has no -0), 1e9 stays
  const y = run(tensor('float32', [5], [2.7, -2.7, 0.5, -0.5, 1e9]), 'int32');
  expect(y.dtype).toBe('int32');
  expect(Array.from(y.data as Int32Array)).toEqual([2, -2, 0, 0, 1e9]);
  expect(Object.is(castValue(-0.5, 'int32'), 0)).toBe(true);
});

test('to int32, NaN is 0 and values beyond the int32 range saturate', () => {
  // 3e9 > 2^31 - 1 = 2147483647; -3e9 < -2^31 = -2147483648
  const y = run(tensor('float32', [5], [NaN, Infinity, -Infinity, 3e9, -3e9]), 'int32');
  expect(Array.from(y.data as Int32Array)).toEqual([0, 2147483647, -2147483648, 2147483647, -2147483648]);
});

test('to float32, NaN, infinities and -0 are kept; float16 widens exactly', () => {
  const y = Array.from(run(tensor('float32', [4], [NaN, Infinity, -Infinity, -0]), 'float32').data as Float32Array);
  expect(y[0]).toBeNaN();
  expect(y.slice(1)).toEqual([Infinity, -Infinity, -0]);
  // 0.1 in float16 is 0.0999755859375 (bits 0x2e66), exactly representable in float32
  expect(Array.from(run(tensor('float16', [1], [0.1]), 'float32').data as Float32Array)).toEqual([0.0999755859375]);
});

test("'to' is required and must be float32 or int32; the input must be float32, float16 or int32", () => {
  expect(buildError({}).message).toMatch(/attribute 'to' is missing.*float32, int32.*nothing/s);
  expect(buildError({ to: 'int64' }).message).toMatch(/attribute 'to' is invalid.*"int64"/s);
  expect(buildError({ to: 'float32', saturate: true }).message).toMatch(/saturate/);
  expect(buildError({ to: 'float32' }, 'uint8').message).toMatch(/float32, float16, int32.*uint8/s);
});
