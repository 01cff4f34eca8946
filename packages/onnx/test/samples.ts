/** Sample IR graphs covering every merge kind and the ops around them (clip and slice included), in both image layouts. */
import { GraphBuilder, blocks, randomTensor, tensor, type BuiltGraph, type HostTensor } from '@skipconn/core';

export interface Sample {
  readonly name: string;
  readonly built: BuiltGraph;
  readonly feeds: Record<string, HostTensor>;
  /** Skip kinds findSkips must report after an export -> import round trip, in order. */
  readonly skips: readonly string[];
}

function image(layout: 'NCHW' | 'NHWC', n: number, c: number, h: number, w: number): number[] {
  return layout === 'NCHW' ? [n, c, h, w] : [n, h, w, c];
}

export function samples(): Sample[] {
  const out: Sample[] = [];
  for (const layout of ['NCHW', 'NHWC'] as const) {
    {
      const b = new GraphBuilder(`cnn-${layout}`);
      const shape = image(layout, 2, 4, 8, 8);
      let x = b.input('x', shape, { layout });
      x = blocks.resnetBasicBlock(b, x, 'rb1', 4, 8, 2);
      x = blocks.resnetBasicBlock(b, x, 'rb2', 8, 8, 1);
      x = blocks.seResidualBlock(b, x, 'se', 8, 2);
      x = blocks.denseBlock(b, x, 'db', 8, 4, 2);
      x = b.node('avgPool2d', [x], { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], countIncludePad: true }, 'avgpool');
      x = b.node('maxPool2d', [x], { kernel: [2, 2], strides: [1, 1], ceilMode: true }, 'maxpool');
      x = b.node('resize', [x], { mode: 'bilinear', coordinateTransform: 'half_pixel', scales: [2, 2] }, 'up');
      x = b.node('pad', [x], { pads: [1, 0, 0, 1], mode: 'reflect' }, 'pad');
      b.output(x);
      out.push({ name: `cnn ${layout}`, built: b.build(), feeds: { x: randomTensor(shape, 1) }, skips: ['residual', 'residual', 'gate', 'residual', 'concat', 'concat'] });
    }
    {
      // ShuffleNetV2's unit: the channels split in two slices, a branch on the second, a concat;
      // then a strided, backward spatial slice (an NHWC value is sliced where it is held as NCHW).
      const b = new GraphBuilder(`chunk-${layout}`);
      const shape = image(layout, 1, 4, 6, 6);
      const x = b.input('x', shape, { layout });
      const channels = layout === 'NCHW' ? 1 : 3;
      const conv = b.node('conv2d', [x, b.weight('stem.w', randomTensor([8, 4, 1, 1], 11))], {}, 'stem');
      const kept = b.node('slice', [conv], { starts: [0], ends: [4], axes: [channels] }, 'kept');
      const half = b.node('slice', [conv], { starts: [4], ends: [8], axes: [channels] }, 'half');
      const branch = b.node('relu', [b.node('conv2d', [half, b.weight('branch.w', randomTensor([4, 4, 3, 3], 12))], { pads: [1, 1, 1, 1] }, 'branch')], {}, 'branch.relu');
      const unit = b.node('concat', [kept, branch], {}, 'unit');
      const spatial = layout === 'NCHW' ? [2, 3] : [1, 2];
      b.output(b.node('slice', [unit], { starts: [-1, 1], ends: [-100, 6], axes: spatial, steps: [-2, 2] }, 'crop'));
      out.push({ name: `chunk ${layout}`, built: b.build(), feeds: { x: randomTensor(shape, 13) }, skips: ['concat'] });
    }
    {
      const b = new GraphBuilder(`unet-${layout}`);
      const shape = image(layout, 1, 2, 20, 20);
      const x = b.input('x', shape, { layout });
      b.output(blocks.unet2(b, x, 'u', 2, 4));
      out.push({ name: `unet ${layout}`, built: b.build(), feeds: { x: randomTensor(shape, 2) }, skips: ['concat'] });
    }
  }
  for (const norm of ['pre', 'post'] as const) {
    const b = new GraphBuilder(`transformer-${norm}`);
    const x = b.input('x', [2, 5, 8], { layout: 'NTC' });
    b.output(blocks.transformerBlock(b, x, 't', { batch: 2, tokens: 5, width: 8, heads: 2 }, norm));
    out.push({ name: `transformer ${norm}-LN`, built: b.build(), feeds: { x: randomTensor([2, 5, 8], 3) }, skips: ['residual', 'residual'] });
  }
  {
    const b = new GraphBuilder('mlp');
    let x = b.input('x', [3, 6], { layout: 'NC' });
    x = blocks.highwayLayer(b, x, 'hw', 6);
    for (const form of ['plain', 'rezero', 'layerscale', 'deepnorm', 'stochastic-train', 'stochastic-test'] as const) x = blocks.residualMlpBlock(b, x, form, 6, form, 4);
    const sep = b.node('highway', [x, b.node('tanh', [x], {}, 'h2'), b.node('silu', [x], {}, 't2'), b.node('relu', [x], {}, 'c2')], { carry: 'separate' }, 'hw2');
    const g = b.node('softmax', [sep], { axis: 'channels' }, 'probs');
    b.output(b.node('gelu', [g], { approximate: 'tanh' }, 'out'));
    out.push({ name: 'highway + residual MLP forms', built: b.build(), feeds: { x: randomTensor([3, 6], 4) }, skips: ['highway', 'residual', 'residual', 'residual', 'residual', 'residual', 'residual', 'highway'] });
  }
  {
    const b = new GraphBuilder('misc');
    const x = b.input('x', [1, 3, 6, 6], { layout: 'NCHW' });
    const w = b.weight('w', randomTensor([4, 3, 3, 3], 5));
    const c = b.node('conv2d', [x, w], { pads: [1, 1, 1, 1], strides: [2, 2] }, 'conv');
    const up = b.node('convTranspose2d', [c, b.weight('wt', randomTensor([4, 2, 3, 3], 6))], { strides: [2, 2], pads: [1, 1, 1, 1], outputPadding: [1, 1] }, 'convt');
    const f = b.node('flatten', [up], { axis: 1 }, 'flat');
    const d = b.node('dense', [f, b.weight('fc.w', randomTensor([5, 72], 7)), b.weight('fcb', randomTensor([5], 8))], {}, 'fc');
    const s = b.node('sub', [d, b.weight('k', tensor('float32', [5], [1, 2, 3, 4, 5]))], {}, 'sub');
    const q = b.node('div', [s, b.weight('two', tensor('float32', [], [2]))], {}, 'div');
    const r = b.node('reshape', [q], { shape: [5, 1] }, 'reshape');
    const t = b.node('transpose', [r], { perm: [1, 0] }, 'transpose');
    b.output(b.node('sigmoid', [t], {}, 'sig'));
    out.push({ name: 'conv, convTranspose, flatten, dense, shape ops', built: b.build(), feeds: { x: randomTensor([1, 3, 6, 6], 9) }, skips: [] });
  }
  for (const layout of ['NCHW', 'NHWC'] as const) {
    // MobileNetV2 inverted residuals: relu6 (clip) between convs, so NHWC clips run on data held as NCHW
    const b = new GraphBuilder(`mobilenetv2-${layout}`);
    const shape = image(layout, 1, 4, 7, 7);
    let x = b.input('x', shape, { layout });
    x = blocks.mobilenetV2Block(b, x, 'f1', 4, 4, { expandRatio: 1 });
    x = blocks.mobilenetV2Block(b, x, 'f2', 4, 8, { stride: 2 });
    x = blocks.mobilenetV2Block(b, x, 'f3', 8, 8);
    x = b.node('clip', [x], { max: 0.5 }, 'cap');
    b.output(b.node('clip', [x], { min: -0.25 }, 'floor'));
    out.push({ name: `MobileNetV2 blocks ${layout}`, built: b.build(), feeds: { x: randomTensor(shape, 10, -8, 8) }, skips: ['residual', 'residual'] });
  }
  return out;
}
