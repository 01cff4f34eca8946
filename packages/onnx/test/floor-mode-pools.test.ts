/**
 * ExportOptions.floorModePools: a ceil-mode pool is written as floor mode with the end pads that
 * give the same windows (pads worked out by hand below), only where that is exact; by default the
 * file keeps ceil_mode. The numbers are checked by the pool cases of the conformance suite, run
 * through this export in conformance-roundtrip.test.ts and on onnxruntime-web's WebGPU EP.
 */
import { GraphBuilder } from '@skipconn/core';
import { exportModel } from '@skipconn/onnx';

type PoolAttrs = Record<string, unknown>;

/** The ceil_mode, pads and count_include_pad the export writes for one pool on an NCHW or NHWC input. */
function written(op: 'maxPool2d' | 'avgPool2d', shape: number[], attrs: PoolAttrs, floorModePools: boolean, layout: 'NCHW' | 'NHWC' = 'NCHW') {
  const b = new GraphBuilder('pool');
  b.output(b.node(op, [b.input('x', shape, { layout })], attrs, 'pool'));
  const { validated, weights } = b.build();
  const node = exportModel(validated, weights, { floorModePools }).graph!.node.find((n) => n.opType === (op === 'maxPool2d' ? 'MaxPool' : 'AveragePool'))!;
  const attr = (name: string) => node.attribute.find((a) => a.name === name);
  return { ceil: attr('ceil_mode')?.i, pads: attr('pads')?.ints, includePad: attr('count_include_pad')?.i };
}

test('maxPool2d: the end pads grow to the last ceil-mode window', () => {
  // 6 wide, k 3, stride 2: ceil mode has windows at 0, 2, 4; the last reaches column 6, one past the end.
  expect(written('maxPool2d', [1, 1, 6, 6], { kernel: [3, 3], strides: [2, 2], ceilMode: true }, true)).toMatchObject({ ceil: 0, pads: [0, 0, 1, 1] });
  // NHWC: the same spatial sizes from axes 1 and 2; 7 high (floor and ceil agree: no pad), 6 wide.
  expect(written('maxPool2d', [1, 7, 6, 2], { kernel: [3, 3], strides: [2, 2], ceilMode: true }, true, 'NHWC')).toMatchObject({ ceil: 0, pads: [0, 0, 0, 1] });
  // 4 wide, k 2, stride 2, pads 1: ceil would start a window at 4 + 1 - 1 = 4, in the end pad, so it is dropped: 3 windows, end pad 1 as declared.
  expect(written('maxPool2d', [1, 1, 4, 4], { kernel: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true }, true)).toMatchObject({ ceil: 0, pads: [1, 1, 1, 1] });
});

test('a pad of a kernel or more keeps ceil_mode: k 2 with dilation 4 spans 5, and the last window needs an end pad of 2', () => {
  // 6 wide, stride 3: windows at 0 and 3, the second covering 3 and 7.
  expect(written('maxPool2d', [1, 1, 6, 6], { kernel: [2, 2], strides: [3, 3], dilations: [4, 4], ceilMode: true }, true)).toMatchObject({ ceil: 1, pads: [0, 0, 0, 0] });
});

test('avgPool2d: without countIncludePad, or without pads, floor mode excluding padding; counting declared pads keeps ceil_mode', () => {
  // 6 wide, k 3, stride 2, pads 1: windows start at -1, 1, 3 and 5, the last covering 5 to 7, two past the end.
  expect(written('avgPool2d', [1, 1, 6, 6], { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true, countIncludePad: false }, true)).toEqual({ ceil: 0, pads: [1, 1, 2, 2], includePad: 0 });
  // 6 x 7, k 3, stride 2, no pads: rows need an end pad of 1, columns none.
  expect(written('avgPool2d', [1, 1, 6, 7], { kernel: [3, 3], strides: [2, 2], ceilMode: true, countIncludePad: true }, true)).toEqual({ ceil: 0, pads: [0, 0, 1, 0], includePad: 0 });
  expect(written('avgPool2d', [1, 1, 6, 6], { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true, countIncludePad: true }, true)).toEqual({ ceil: 1, pads: [1, 1, 1, 1], includePad: 1 });
});

test('by default the file keeps ceil_mode and the declared pads', () => {
  expect(written('maxPool2d', [1, 1, 6, 6], { kernel: [3, 3], strides: [2, 2], ceilMode: true }, false)).toMatchObject({ ceil: 1, pads: [0, 0, 0, 0] });
  expect(written('avgPool2d', [1, 1, 6, 7], { kernel: [3, 3], strides: [2, 2], ceilMode: true, countIncludePad: true }, false)).toEqual({ ceil: 1, pads: [0, 0, 0, 0], includePad: 1 });
});
