/**
 * The layout pass: an NCHW graph runs with one transpose per graph input and output and none
 * around its ops. Counted twice: statically in the plan, and at run time with tf.profile, which
 * records every kernel tfjs executes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GraphBuilder, blocks, evaluateGraph, randomTensor, type BuiltGraph } from '@skipconn/core';
import { countRuntimeTransposes, conversionSteps, planLayouts, tfjsKernel, TFJS_OPS, CHANNELS_LAST } from '../src';
import { initAdapter, worstError } from './helpers';
import { TFJS_CPU } from '../src';

function resnet(layout: blocks.ImageLayout, head: boolean): BuiltGraph {
  const b = new GraphBuilder(`resnet-${layout}`);
  const shape = layout === 'NCHW' ? [2, 4, 8, 8] : [2, 8, 8, 4];
  let x = b.input('x', shape, { layout });
  x = blocks.resnetBasicBlock(b, x, 'block1', 4, 4);
  x = blocks.resnetBasicBlock(b, x, 'block2', 4, 8, 2);
  x = blocks.seResidualBlock(b, x, 'block3', 8, 4);
  if (head) {
    const pooled = b.node('globalAvgPool', [x], {}, 'pool');
    x = blocks.dense(b, b.node('flatten', [pooled], {}, 'flatten'), 'fc', 8, 3);
  }
  b.output(x);
  return b.build();
}

const plan = (g: BuiltGraph) => planLayouts(g.validated, tfjsKernel, TFJS_OPS);

describe('layout pass (static plan)', () => {
  test('NCHW ResNet blocks: one transpose in, one out, none inside', () => {
    expect(countRuntimeTransposes(plan(resnet('NCHW', false)))).toEqual({ input: 1, node: 0, output: 1, total: 2 });
  });

  test('NCHW ResNet with a classifier head: flatten after globalAvgPool is a reshape, not a transpose', () => {
    const p = plan(resnet('NCHW', true));
    expect(countRuntimeTransposes(p)).toEqual({ input: 1, node: 0, output: 0, total: 1 });
    const flatten = p.nodes.find((n) => n.node.spec.name === 'flatten')!;
    expect(flatten.convert.map((c) => c.steps.map((s) => s.kind))).toEqual([['reshape']]);
  });

  test('NHWC graph: no transposes at all', () => {
    expect(countRuntimeTransposes(plan(resnet('NHWC', true))).total).toBe(0);
  });

  test('every conv and pool of an NCHW graph reads channels-last storage; batchNorm and merges follow it', () => {
    const p = plan(resnet('NCHW', false));
    for (const n of p.nodes) {
      if (['conv2d', 'batchNorm', 'relu', 'residual', 'gate', 'sigmoid', 'globalAvgPool'].includes(n.node.spec.op)) {
        expect([n.node.spec.name, n.outputPerms[0]]).toEqual([n.node.spec.name, CHANNELS_LAST]);
      }
    }
  });

  test('U-Net with crop (conv, maxPool, convTranspose, concat): one transpose in, none inside', () => {
    const b = new GraphBuilder('unet');
    b.output(blocks.unet2(b, b.input('x', [1, 2, 28, 28], { layout: 'NCHW' }), 'unet', 2, 4));
    // The head has one output channel: [N, H, W, 1] -> [N, 1, H, W] keeps element order (a reshape).
    expect(countRuntimeTransposes(plan(b.build()))).toEqual({ input: 1, node: 0, output: 0, total: 1 });
  });

  test('an NCHW graph without convolution or pooling keeps logical order: no transposes', () => {
    const b = new GraphBuilder('merges');
    const x = b.input('x', [1, 4, 3, 3], { layout: 'NCHW' });
    const h = blocks.batchNorm(b, b.node('relu', [x]), 'bn', 4);
    b.output(b.node('residual', [x, h], { activation: 'relu' }));
    expect(countRuntimeTransposes(plan(b.build())).total).toBe(0);
  });

  test('flatten of a real feature map needs logical order: exactly one transpose before it', () => {
    const b = new GraphBuilder('flat');
    const x = b.input('x', [1, 3, 4, 4], { layout: 'NCHW' });
    b.output(b.node('flatten', [blocks.conv(b, x, 'conv', 3, 2, 3, { pad: 1 })], {}, 'flatten'));
    const p = plan(b.build());
    expect(countRuntimeTransposes(p)).toEqual({ input: 1, node: 1, output: 0, total: 2 });
  });

  test('an NHWC -> NCHW transpose feeding a conv moves no data', () => {
    const b = new GraphBuilder('nhwc-in');
    const x = b.input('x', [1, 5, 5, 3], { layout: 'NHWC' });
    const t = b.node('transpose', [x], { perm: [0, 3, 1, 2] }, 'to_nchw');
    b.output(b.node('relu', [blocks.conv(b, t, 'conv', 3, 4, 3)], {}, 'relu'));
    const p = plan(b.build());
    // Only the NCHW graph output costs a transpose.
    expect(countRuntimeTransposes(p)).toEqual({ input: 0, node: 0, output: 1, total: 1 });
  });

  test('conversion steps: size-1 moves are reshapes, expansion adds leading ones', () => {
    expect(conversionSteps([2, 3, 4, 5], [0, 1, 2, 3], { perm: CHANNELS_LAST, rank: 4 })).toEqual([{ kind: 'transpose', perm: [0, 2, 3, 1] }]);
    expect(conversionSteps([2, 3, 1, 1], CHANNELS_LAST, { perm: [0, 1, 2, 3], rank: 4 })).toEqual([{ kind: 'reshape', shape: [2, 3, 1, 1] }]);
    // A [C, 1, 1] NCHW bias read by a channels-last add: expand to [1, C, 1, 1], then [1, 1, 1, C].
    expect(conversionSteps([3, 1, 1], [0, 1, 2], { perm: CHANNELS_LAST, rank: 4 })).toEqual([{ kind: 'reshape', shape: [1, 1, 1, 3] }]);
  });
});

describe('layout pass (run time, tfjs:cpu)', () => {
  test.each([
    ['NCHW blocks', resnet('NCHW', false), 2],
    ['NCHW with head', resnet('NCHW', true), 1],
    ['NHWC with head', resnet('NHWC', true), 0],
  ] as const)('%s: tfjs executes the planned number of Transpose kernels and gives the reference numbers', async (_name, g, transposes) => {
    const adapter = await initAdapter(TFJS_CPU);
    const compiled = await adapter.compile(g.validated, g.weights);
    const feeds = { x: randomTensor(g.graph.inputs[0]!.shape, 7) };
    let out: Awaited<ReturnType<typeof compiled.run>> = {};
    const profile = await tf.profile(async () => {
      out = await compiled.run(feeds);
      return [];
    });
    expect(profile.kernels.filter((k) => k.name === 'Transpose').length).toBe(transposes);
    const want = evaluateGraph(g.validated, g.weights, feeds, { float64: true });
    for (const name of Object.keys(want)) expect(worstError(out[name]!, want[name]!, 1e-5 * 4, 1e-5 * 4).excess).toBeLessThanOrEqual(0);
    await adapter.dispose();
    expect(adapter.resources()).toMatchObject({ compiledGraphs: 0, heldTensors: 0 });
  });
});
