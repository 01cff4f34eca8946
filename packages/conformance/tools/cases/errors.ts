/**
 * Graphs every adapter must refuse before running anything: the core validator throws the named
 * code, and the message contains the substring (the hint users act on).
 */
import { error, type CaseDef, type G } from '../lib';

function err(id: string, description: string, code: Parameters<typeof error>[0], message: string, build: (g: G) => void): CaseDef {
  return { id: `error/${id}`, description, build, expected: error(code, message) };
}

export function errorCases(): CaseDef[] {
  return [
    // residual
    err('residual/shape-mismatch-projection-hint', 'stride-2 body against an identity shortcut: the error suggests a projection shortcut', 'SHAPE_MISMATCH', 'projection shortcut', (g) => {
      const x = g.input('x', [1, 4, 8, 8], { layout: 'NCHW' });
      const body = g.node('conv2d', [x, g.param('w', [8, 4, 3, 3], 36)], { strides: [2, 2], pads: [1, 1, 1, 1] }, 'conv');
      g.output(g.node('residual', [x, body], { activation: 'relu' }, 'add'));
    }),
    err('residual/channel-mismatch-NHWC', 'NHWC channels differ (16 vs 32)', 'SHAPE_MISMATCH', 'projection shortcut', (g) => {
      g.output(g.node('residual', [g.input('s', [1, 4, 4, 16], { layout: 'NHWC' }), g.input('b', [1, 4, 4, 32], { layout: 'NHWC' })], {}, 'add'));
    }),
    err('residual/rank-mismatch', 'shortcut [2,8] and body [2,1,8]', 'SHAPE_MISMATCH', 'ranks differ', (g) => {
      g.output(g.node('residual', [g.input('s', [2, 8]), g.input('b', [2, 1, 8])], {}, 'add'));
    }),
    err('residual/layout-mismatch', 'NCHW shortcut and NHWC body of the same shape', 'SHAPE_MISMATCH', 'layouts must be equal', (g) => {
      g.output(g.node('residual', [g.input('s', [1, 4, 4, 4], { layout: 'NCHW' }), g.input('b', [1, 4, 4, 4], { layout: 'NHWC' })], {}, 'add'));
    }),
    err('residual/learned-scale-wrong-shape', 'LayerScale gamma of 8 values on 16 channels', 'SHAPE_MISMATCH', 'learned beta has the wrong shape', (g) => {
      const x = g.input('x', [2, 5, 16], { layout: 'NTC' });
      g.output(g.node('residual', [x, g.input('b', [2, 5, 16], { layout: 'NTC' }), g.weight('gamma', [8])], { beta: 'learned' }, 'add'));
    }),
    err('residual/learned-per-channel-without-layout', 'a per-channel scale needs a layout to find the channel axis', 'SHAPE_MISMATCH', 'needs a layout', (g) => {
      g.output(g.node('residual', [g.input('s', [2, 8]), g.input('b', [2, 8]), g.weight('gamma', [8])], { beta: 'learned' }, 'add'));
    }),
    err('residual/learned-scale-missing', "beta 'learned' without the scale input", 'GRAPH_INVALID', 'wrong number of learned-scale inputs', (g) => {
      g.output(g.node('residual', [g.input('s', [2, 8], { layout: 'NC' }), g.input('b', [2, 8], { layout: 'NC' })], { beta: 'learned' }, 'add'));
    }),
    err('residual/stochastic-depth-p0', 'survival probability 0 is outside (0, 1]', 'ATTRIBUTE_INVALID', 'stochasticDepth', (g) => {
      g.output(g.node('residual', [g.input('s', [2, 8], { layout: 'NC' }), g.input('b', [2, 8], { layout: 'NC' })], { stochasticDepth: { survivalProb: 0, convention: 'scale-at-test' } }, 'add'));
    }),
    err('residual/stochastic-depth-unknown-convention', 'a convention that is neither scale-at-train nor scale-at-test', 'ATTRIBUTE_INVALID', 'scale-at-train', (g) => {
      g.output(g.node('residual', [g.input('s', [2, 8], { layout: 'NC' }), g.input('b', [2, 8], { layout: 'NC' })], { stochasticDepth: { survivalProb: 0.9, convention: 'drop-path' } }, 'add'));
    }),
    err('residual/alpha-not-a-number', "alpha must be a finite number or 'learned'", 'ATTRIBUTE_INVALID', "attribute 'alpha' is invalid", (g) => {
      g.output(g.node('residual', [g.input('s', [2, 8], { layout: 'NC' }), g.input('b', [2, 8], { layout: 'NC' })], { alpha: 'two' }, 'add'));
    }),
    err('residual/unknown-activation', 'an activation outside the vocabulary', 'ATTRIBUTE_INVALID', 'activation', (g) => {
      g.output(g.node('residual', [g.input('s', [2, 8], { layout: 'NC' }), g.input('b', [2, 8], { layout: 'NC' })], { activation: 'leaky_relu' }, 'add'));
    }),
    // concat
    err('concat/layout-mismatch', 'NCHW and NHWC inputs cannot share one channel axis', 'SHAPE_MISMATCH', 'different layout', (g) => {
      g.output(g.node('concat', [g.input('a', [1, 4, 4, 4], { layout: 'NHWC' }), g.input('b', [1, 4, 4, 4], { layout: 'NCHW' })], {}, 'cat'));
    }),
    err('concat/spatial-mismatch-crop-hint', 'U-Net encoder map larger than the decoder map without crop', 'SHAPE_MISMATCH', "crop 'center'", (g) => {
      g.output(g.node('concat', [g.input('enc', [1, 4, 16, 16], { layout: 'NCHW' }), g.input('dec', [1, 4, 12, 12], { layout: 'NCHW' })], {}, 'cat'));
    }),
    err('concat/crop-smaller-input', 'center crop cannot grow an input smaller than the last', 'SHAPE_MISMATCH', 'center crop to the last input', (g) => {
      g.output(g.node('concat', [g.input('a', [1, 4, 4, 4], { layout: 'NCHW' }), g.input('b', [1, 4, 6, 6], { layout: 'NCHW' })], { crop: 'center' }, 'cat'));
    }),
    err('concat/crop-without-spatial-axes', "crop 'center' on NTC data", 'ATTRIBUTE_INVALID', 'needs spatial axes', (g) => {
      g.output(g.node('concat', [g.input('a', [2, 5, 4], { layout: 'NTC' }), g.input('b', [2, 5, 4], { layout: 'NTC' })], { crop: 'center' }, 'cat'));
    }),
    err('concat/no-layout', 'concat needs a layout to know the channel axis', 'SHAPE_MISMATCH', 'needs a layout', (g) => {
      g.output(g.node('concat', [g.input('a', [2, 4]), g.input('b', [2, 4])], {}, 'cat'));
    }),
    err('concat/batch-mismatch', 'batch sizes differ', 'SHAPE_MISMATCH', 'does not match on axis 0', (g) => {
      g.output(g.node('concat', [g.input('a', [2, 5, 4], { layout: 'NTC' }), g.input('b', [3, 5, 4], { layout: 'NTC' })], {}, 'cat'));
    }),
    // gate
    err('gate/undeclared-batch-broadcast', 'g [1,C,1,1] without declaring batch', 'SHAPE_MISMATCH', 'broadcasts over undeclared axes', (g) => {
      g.output(g.node('gate', [g.input('x', [2, 4, 3, 3], { layout: 'NCHW' }), g.input('g', [1, 4, 1, 1])], { broadcast: ['spatial'] }, 'se'));
    }),
    err('gate/nhwc-gate-on-nchw', 'an NHWC-shaped SE gate [N,1,1,C] on NCHW data', 'SHAPE_MISMATCH', 'broadcasts over undeclared axes', (g) => {
      g.output(g.node('gate', [g.input('x', [2, 4, 3, 3], { layout: 'NCHW' }), g.input('g', [2, 1, 1, 4])], { broadcast: ['spatial'] }, 'se'));
    }),
    err('gate/no-broadcast-declared', 'g [N,C,1,1] with no broadcast declared', 'SHAPE_MISMATCH', 'broadcasts over undeclared axes', (g) => {
      g.output(g.node('gate', [g.input('x', [2, 4, 3, 3], { layout: 'NCHW' }), g.input('g', [2, 4, 1, 1])], {}, 'se'));
    }),
    err('gate/axis-not-in-layout', "'tokens' on NCHW data", 'ATTRIBUTE_INVALID', "has no 'tokens' axis", (g) => {
      g.output(g.node('gate', [g.input('x', [2, 4, 3, 3], { layout: 'NCHW' }), g.input('g', [2, 4, 1, 1])], { broadcast: ['tokens'] }, 'se'));
    }),
    err('gate/rank-mismatch', 'g [N,C] against x [N,C,H,W]: no implicit rank extension', 'SHAPE_MISMATCH', 'broadcasts over undeclared axes', (g) => {
      g.output(g.node('gate', [g.input('x', [2, 4, 3, 3], { layout: 'NCHW' }), g.input('g', [2, 4])], { broadcast: ['spatial'] }, 'se'));
    }),
    // highway
    err('highway/shape-mismatch', 'a transform that changes the width', 'SHAPE_MISMATCH', 'must have the shape of x', (g) => {
      g.output(g.node('highway', [g.input('x', [4, 8], { layout: 'NC' }), g.input('h', [4, 16], { layout: 'NC' }), g.input('t', [4, 8], { layout: 'NC' })], {}, 'hw'));
    }),
    err('highway/separate-missing-carry', "carry 'separate' with three inputs", 'GRAPH_INVALID', "carry 'separate' takes 4 inputs", (g) => {
      g.output(g.node('highway', [g.input('x', [4, 8], { layout: 'NC' }), g.input('h', [4, 8], { layout: 'NC' }), g.input('t', [4, 8], { layout: 'NC' })], { carry: 'separate' }, 'hw'));
    }),
    // graph-level
    err('graph/unknown-op', 'an op outside the vocabulary', 'UNKNOWN_OP', "unknown op 'leakyRelu'", (g) => {
      g.output(g.node('leakyRelu', [g.input('x', [2, 8])], {}, 'act'));
    }),
    err('graph/undefined-input', 'a node reads a value nothing defines', 'GRAPH_INVALID', "input 'missing' is not defined", (g) => {
      g.input('x', [2, 8]);
      g.output(g.node('relu', ['missing'], {}, 'act'));
    }),
    err('graph/cycle', 'two nodes feeding each other', 'GRAPH_INVALID', 'cycle', (g) => {
      const x = g.input('x', [2, 8]);
      g.node('add', [x, 'b'], {}, 'a');
      g.node('relu', ['a'], {}, 'b');
      g.output('b');
    }),
    err('graph/unknown-attribute', 'a misspelt attribute is refused, not ignored', 'ATTRIBUTE_INVALID', "unknown attribute 'activaton'", (g) => {
      g.output(g.node('residual', [g.input('s', [2, 8], { layout: 'NC' }), g.input('b', [2, 8], { layout: 'NC' })], { activaton: 'relu' }, 'add'));
    }),
    err('graph/input-layout-rank', 'an input whose shape does not fit its layout', 'GRAPH_INVALID', 'does not fit its layout', (g) => {
      g.output(g.node('relu', [g.input('x', [2, 8, 8], { layout: 'NCHW' })], {}, 'act'));
    }),
    // ops
    err('conv2d/groups-mismatch', 'in-channels not divisible by groups', 'SHAPE_MISMATCH', 'divisible by groups', (g) => {
      g.output(g.node('conv2d', [g.input('x', [1, 6, 5, 5], { layout: 'NCHW' }), g.param('w', [4, 3, 3, 3], 27)], { groups: 4 }, 'conv'));
    }),
    err('conv2d/window-larger-than-input', 'a 5x5 kernel on a 3x3 input without padding', 'SHAPE_MISMATCH', 'would be empty', (g) => {
      g.output(g.node('conv2d', [g.input('x', [1, 2, 3, 3], { layout: 'NHWC' }), g.param('w', [2, 3, 5, 5], 75)], {}, 'conv'));
    }),
    err('conv2d/no-image-layout', 'conv2d on data without an image layout', 'SHAPE_MISMATCH', 'needs an image layout', (g) => {
      g.output(g.node('conv2d', [g.input('x', [1, 2, 4, 4]), g.param('w', [2, 2, 3, 3], 18)], {}, 'conv'));
    }),
    err('dense/weight-transposed', 'a Keras-order [in, out] kernel where [out, in] is expected', 'SHAPE_MISMATCH', 'in-features of x and w differ', (g) => {
      g.output(g.node('dense', [g.input('x', [2, 8], { layout: 'NC' }), g.param('w', [8, 4], 8)], {}, 'fc'));
    }),
    err('matmul/inner-mismatch', 'inner dimensions 4 and 5', 'SHAPE_MISMATCH', 'inner dimensions differ', (g) => {
      g.output(g.node('matmul', [g.input('a', [3, 4]), g.input('b', [5, 2])], {}, 'mm'));
    }),
    err('add/no-broadcast', '[3,4] + [2,4] do not broadcast', 'SHAPE_MISMATCH', 'do not broadcast', (g) => {
      g.output(g.node('add', [g.input('a', [3, 4]), g.input('b', [2, 4])], {}, 'sum'));
    }),
    err('div/int32', 'div of two int32 values: integer division is floorDiv', 'SHAPE_MISMATCH', 'integer division is floorDiv', (g) => {
      g.output(g.node('div', [g.input('a', [4], { dtype: 'int32' }), g.input('b', [4], { dtype: 'int32' })], {}, 'q'));
    }),
    err('argMax/empty-axis', 'argMax along an axis of size 0 has no maximum', 'SHAPE_MISMATCH', 'is empty', (g) => {
      g.output(g.node('argMax', [g.input('x', [3, 0])], { axis: 1 }, 'i'));
    }),
    err('gatherNd/float-indices', 'gatherNd with float32 indices', 'SHAPE_MISMATCH', 'indices must be int32', (g) => {
      g.output(g.node('gatherNd', [g.input('x', [4, 5]), g.input('i', [3, 2])], {}, 'y'));
    }),
    err('gatherNd/coordinate-too-long', 'coordinates of length 3 into a rank-2 x', 'SHAPE_MISMATCH', 'indices do not fit x', (g) => {
      g.output(g.node('gatherNd', [g.input('x', [4, 5]), g.input('i', [3, 3], { dtype: 'int32' })], {}, 'y'));
    }),
    err('batchNorm/param-shape', 'batchNorm statistics of the wrong channel count', 'SHAPE_MISMATCH', 'has the wrong shape', (g) => {
      const x = g.input('x', [1, 4, 3, 3], { layout: 'NHWC' });
      g.output(g.node('batchNorm', [x, g.weight('s', [4]), g.weight('b', [4]), g.weight('m', [4]), g.weight('v', [4], { low: 0.5, high: 1.5 })], {}, 'bn'));
    }),
    err('avgPool2d/count-include-pad-required', 'avgPool2d must say countIncludePad (PyTorch and ONNX default differently)', 'ATTRIBUTE_INVALID', 'countIncludePad', (g) => {
      g.output(g.node('avgPool2d', [g.input('x', [1, 2, 4, 4], { layout: 'NCHW' })], { kernel: [2, 2] }, 'pool'));
    }),
    err('maxPool2d/pad-not-below-kernel', 'a pad as large as the kernel', 'ATTRIBUTE_INVALID', 'pads must be smaller than the kernel', (g) => {
      g.output(g.node('maxPool2d', [g.input('x', [1, 2, 4, 4], { layout: 'NCHW' })], { kernel: [2, 2], pads: [2, 0, 0, 0] }, 'pool'));
    }),
    err('resize/mode-required', 'resize without a mode', 'ATTRIBUTE_INVALID', "attribute 'mode' is required", (g) => {
      g.output(g.node('resize', [g.input('x', [1, 2, 4, 4], { layout: 'NCHW' })], { scales: [2, 2] }, 'up'));
    }),
    err('pad/reflect-too-large', 'reflect padding as large as the axis', 'SHAPE_MISMATCH', "pads too large for mode 'reflect'", (g) => {
      g.output(g.node('pad', [g.input('x', [1, 2, 3, 3], { layout: 'NCHW' })], { pads: [3, 0, 0, 0], mode: 'reflect' }, 'pad'));
    }),
    err('reshape/element-count', 'a reshape that changes the element count', 'SHAPE_MISMATCH', 'element counts differ', (g) => {
      g.output(g.node('reshape', [g.input('x', [2, 3, 4])], { shape: [5, 5] }, 'r'));
    }),
    err('transpose/not-a-permutation', 'perm repeats an axis', 'ATTRIBUTE_INVALID', 'not a permutation', (g) => {
      g.output(g.node('transpose', [g.input('x', [2, 3, 4])], { perm: [0, 0, 1] }, 't'));
    }),
    err('slice/axis-out-of-range', 'axis 2 of a rank-2 value: the error names the axis and the shape', 'SHAPE_MISMATCH', 'slice axis 2 (entry 0) is out of range', (g) => {
      g.output(g.node('slice', [g.input('x', [2, 3])], { starts: [0], ends: [1], axes: [2] }, 's'));
    }),
    err('slice/axis-twice', 'axes 1 and -1 are the same axis of a rank-2 value', 'ATTRIBUTE_INVALID', 'slice axis 1 is named twice', (g) => {
      g.output(g.node('slice', [g.input('x', [2, 3])], { starts: [0, 1], ends: [1, 2], axes: [1, -1] }, 's'));
    }),
    err('slice/zero-step', 'a step of 0', 'ATTRIBUTE_INVALID', 'zero step', (g) => {
      g.output(g.node('slice', [g.input('x', [2, 3])], { starts: [0], ends: [3], axes: [1], steps: [0] }, 's'));
    }),
    err('slice/ends-length', 'two starts and one end', 'ATTRIBUTE_INVALID', "attribute 'ends' is invalid", (g) => {
      g.output(g.node('slice', [g.input('x', [2, 3])], { starts: [0, 0], ends: [1] }, 's'));
    }),
    err('softmax/channels-without-layout', "axis 'channels' on data without a layout", 'SHAPE_MISMATCH', 'needs a layout', (g) => {
      g.output(g.node('softmax', [g.input('x', [2, 8])], { axis: 'channels' }, 'sm'));
    }),
    err('clip/min-greater-than-max', 'clip with min 6 above max 0: the error names both bounds', 'ATTRIBUTE_INVALID', 'min 6, max 0', (g) => {
      g.output(g.node('clip', [g.input('x', [2, 8], { layout: 'NC' })], { min: 6, max: 0 }, 'clip'));
    }),
    err('clip/nan-bound', 'a NaN bound (JSON "NaN") is not a bound', 'ATTRIBUTE_INVALID', "attribute 'max' is invalid", (g) => {
      g.output(g.node('clip', [g.input('x', [2, 8], { layout: 'NC' })], { min: 0, max: 'NaN' }, 'clip'));
    }),
    err('layerNorm/scale-shape', 'a layerNorm scale that would need broadcasting', 'SHAPE_MISMATCH', 'scale has the wrong shape', (g) => {
      g.output(g.node('layerNorm', [g.input('x', [2, 5, 8], { layout: 'NTC' }), g.weight('scale', [1])], {}, 'ln'));
    }),
  ];
}
