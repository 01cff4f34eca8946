import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { GraphBuilder, blocks, evaluateGraph, randomTensor, toFloat64 } from '@skipconn/core';
import '../tfjs/src/layers';
import { exportLayersModel, toModelArtifacts } from '../tfjs/src';
(async () => {
  await tf.setBackend('cpu');
  for (const layout of ['NCHW', 'NHWC'] as const) {
    const b = new GraphBuilder('resnet');
    const shape = layout === 'NCHW' ? [2, 4, 8, 8] : [2, 8, 8, 4];
    let x = b.input('x', shape, { layout });
    x = blocks.resnetBasicBlock(b, x, 'block1', 4, 4);
    x = blocks.resnetBasicBlock(b, x, 'block2', 4, 8, 2);
    x = blocks.seResidualBlock(b, x, 'block3', 8, 4);
    b.output(x);
    const g = b.build();
    const ex = exportLayersModel(g.validated, g.weights);
    console.log(ex.modelJson.modelTopology && (ex.modelJson.modelTopology as any).config.layers.map((l: any) => l.class_name).join(' '), ex.opLayers);
    const m = await tfl.loadLayersModel(tf.io.fromMemory(toModelArtifacts(ex) as any));
    const feed = randomTensor(shape, 3);
    const got = (m.predict(tf.tensor(feed.data, shape)) as tf.Tensor).dataSync();
    const want = toFloat64(evaluateGraph(g.validated, g.weights, { x: feed })[x]!);
    let maxErr = 0; for (let i = 0; i < want.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i]! - want[i]!));
    console.log(layout, 'max abs err', maxErr, m.inputs[0]!.shape);
  }
})();
