/**
 * slice: ONNX Slice bounds (negative bounds, clamping, steps of either sign, empty axes), with the
 * expected elements worked out by hand next to each case, and the errors naming axis and shape.
 */
import { GraphBuilder, findSkips, sliceWindow, tensor, windowAsAttrs, type Attrs, type GraphError } from '../src';
import { evaluateOneOp, oneOpBuildError } from './one-op';

/** x = 0, 1, ..., size - 1 in `shape`; returns the slice's shape and values. */
function run(shape: number[], attrs: Attrs): { shape: readonly number[]; data: number[] } {
  const size = shape.reduce((a, b) => a * b, 1);
  const y = evaluateOneOp(
    'slice',
    tensor(
      'float64',
      shape,
      Array.from({ length: size }, (_, i) => i),
    ),
    attrs,
  );
  return { shape: y.shape, data: Array.from(y.data as Float64Array) };
}

const buildError = (shape: number[], attrs: Attrs): GraphError => oneOpBuildError('slice', shape, attrs);

test('a channel chunk of NCHW data keeps the layout and takes whole planes', () => {
  // x [1, 4, 1, 2]: channel c holds 2c, 2c + 1; channels 2:4 -> 4, 5, 6, 7
  const b = new GraphBuilder('chunk');
  b.output(b.node('slice', [b.input('x', [1, 4, 1, 2], { layout: 'NCHW' })], { starts: [2], ends: [4], axes: [1] }, 'n'));
  expect(b.build().validated.values.get('n')).toMatchObject({ shape: [1, 2, 1, 2], layout: 'NCHW' });
  expect(run([1, 4, 1, 2], { starts: [2], ends: [4], axes: [1] }).data).toEqual([4, 5, 6, 7]);
});

test('negative bounds count from the end and out-of-range bounds clamp', () => {
  // d = 6: start -4 -> 2, end -1 -> 5: 2, 3, 4
  expect(run([6], { starts: [-4], ends: [-1] }).data).toEqual([2, 3, 4]);
  // start -100 -> clamped to 0, end 1e9 -> clamped to 6
  expect(run([6], { starts: [-100], ends: [1e9] }).data).toEqual([0, 1, 2, 3, 4, 5]);
});

test('steps: positive strides round the count up, negative ones walk back', () => {
  // 1, 3 (end 5 exclusive: ceil((5 - 1) / 2) = 2)
  expect(run([7], { starts: [1], ends: [5], steps: [2] }).data).toEqual([1, 3]);
  // start -1 -> 6, end -8 -> -1 (below 0 clamps to "before 0"): 6 .. 0
  expect(run([7], { starts: [-1], ends: [-8], steps: [-1] }).data).toEqual([6, 5, 4, 3, 2, 1, 0]);
  // end -1 means d - 1 = 6 with a negative step too: nothing lies in (6, 6]
  expect(run([7], { starts: [-1], ends: [-1], steps: [-1] }).shape).toEqual([0]);
  // start 100 clamps to d - 1 = 6 for a negative step: 6, 3, 0
  expect(run([7], { starts: [100], ends: [-100], steps: [-3] }).data).toEqual([6, 3, 0]);
});

test('several axes at once, the others whole', () => {
  // x [2, 3, 4] = 0..23; axis 2 from 1 by 2 (1, 3), axis 0 from 1 (1): rows 12 + 4j + {1, 3}
  const y = run([2, 3, 4], { starts: [1, 1], ends: [4, 2], axes: [2, 0], steps: [2, 1] });
  expect(y.shape).toEqual([1, 3, 2]);
  expect(y.data).toEqual([13, 15, 17, 19, 21, 23]);
});

test('an empty result is allowed: start at or past end', () => {
  expect(run([2, 4], { starts: [3], ends: [1], axes: [1] })).toEqual({ shape: [2, 0], data: [] });
});

test('windowAsAttrs writes the window back with every bound resolved', () => {
  const ref = { node: 'n', op: 'slice' };
  const shape = [3, 7];
  const w = sliceWindow({ starts: [-1, 0], ends: [-8, 100], axes: [1, 0], steps: [-1, 1] }, shape, ref);
  // axis 0 is whole, so only axis 1 is written: 6 down to 0, ending at -7 - 1 = -8
  expect(windowAsAttrs(w, shape)).toEqual({ starts: [6], ends: [-8], axes: [1], steps: [-1] });
  expect(sliceWindow(windowAsAttrs(w, shape), shape, ref)).toEqual(w);
});

test('errors name the axis, the entry and the input shape', () => {
  const range = buildError([2, 3], { starts: [0], ends: [1], axes: [-3] });
  expect(range.code).toBe('SHAPE_MISMATCH');
  expect(range.message).toMatch(/slice axis -3 \(entry 0\) is out of range.*\[-2, 1\].*\[2,3\]/s);
  expect(buildError([2, 3], { starts: [0, 0], ends: [1, 1], axes: [0, -2] }).message).toMatch(/axis 0 is named twice \(entries 0 and 1\)/);
  expect(buildError([2, 3], { starts: [0], ends: [1], steps: [0] }).message).toMatch(/zero step.*non-zero/s);
  expect(buildError([2, 3], { starts: [0] }).message).toMatch(/'ends' is required/);
  expect(buildError([2, 3], { starts: [0], ends: [1.5] }).message).toMatch(/'ends' is invalid.*1 integers/s);
});

test('findSkips: a concat of slices of one value rearranges it (a roll); a slice beside a branch on the other half is a skip', () => {
  const b = new GraphBuilder('roll-and-chunk');
  const x = b.input('x', [1, 4, 2, 2], { layout: 'NCHW' });
  const first = b.node('slice', [x], { starts: [0], ends: [2], axes: [1] }, 'first');
  const second = b.node('slice', [x], { starts: [2], ends: [4], axes: [1] }, 'second');
  const rolled = b.node('concat', [second, first], {}, 'roll');
  const branch = b.node('relu', [b.node('slice', [rolled], { starts: [2], ends: [4], axes: [1] }, 'half')], {}, 'branch');
  b.output(b.node('concat', [b.node('slice', [rolled], { starts: [0], ends: [2], axes: [1] }, 'kept'), branch], {}, 'unit'));
  const skips = findSkips(b.build().validated);
  expect(skips.map((s) => s.merge)).toEqual(['unit']);
});
