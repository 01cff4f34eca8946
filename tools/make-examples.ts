/**
 * Writes the example graphs in examples/ from readable builder code. Run: npm run examples.
 * Weights are seeded, so the files are reproducible byte for byte.
 */
import * as path from 'path';
import { GraphBuilder, blocks } from '@skipconn/core';
import { saveGraphFile } from '@skipconn/core/node';

const EXAMPLES: Record<string, () => GraphBuilder> = {
  'resnet-basic-identity': () => {
    const b = new GraphBuilder('resnet-basic-identity');
    const x = b.input('x', [1, 8, 8, 8], { layout: 'NCHW' });
    b.output(blocks.resnetBasicBlock(b, x, 'layer1.0', 8, 8));
    return b;
  },
  'resnet-basic-projection': () => {
    const b = new GraphBuilder('resnet-basic-projection');
    const x = b.input('x', [1, 8, 8, 8], { layout: 'NCHW' });
    b.output(blocks.resnetBasicBlock(b, x, 'layer2.0', 8, 16, 2));
    return b;
  },
  'densenet-block': () => {
    const b = new GraphBuilder('densenet-block');
    const x = b.input('x', [1, 8, 6, 6], { layout: 'NCHW' });
    b.output(blocks.denseBlock(b, x, 'denseblock1', 8, 4, 4));
    return b;
  },
  'highway-mlp': () => {
    const b = new GraphBuilder('highway-mlp');
    let h = b.input('x', [2, 16], { layout: 'NC' });
    for (let i = 1; i <= 3; i++) h = blocks.highwayLayer(b, h, `highway${i}`, 16);
    b.output(h);
    return b;
  },
  'se-residual-block': () => {
    const b = new GraphBuilder('se-residual-block');
    const x = b.input('x', [1, 6, 6, 16], { layout: 'NHWC' });
    b.output(blocks.seResidualBlock(b, x, 'se_block', 16, 4));
    return b;
  },
  'unet-2level-crop': () => {
    const b = new GraphBuilder('unet-2level-crop');
    const x = b.input('x', [1, 1, 24, 24], { layout: 'NCHW' });
    b.output(blocks.unet2(b, x, 'unet', 1, 4));
    return b;
  },
  'transformer-pre-ln': () => {
    const b = new GraphBuilder('transformer-pre-ln');
    const x = b.input('x', [1, 6, 16], { layout: 'NTC' });
    b.output(blocks.transformerBlock(b, x, 'encoder.layer0', { batch: 1, tokens: 6, width: 16, heads: 4 }, 'pre'));
    return b;
  },
};

for (const [name, make] of Object.entries(EXAMPLES)) {
  // Weights go to a safetensors file next to the graph, so the JSON stays readable.
  const built = make().build({ inlineWeights: false, weightsFile: `${name}.safetensors` });
  const file = path.join(__dirname, '..', 'examples', `${name}.json`);
  saveGraphFile(file, built.graph, built.weights);
  console.log(`${path.relative(process.cwd(), file)}: ${built.graph.nodes.length} nodes, ${built.weights.size} weights`);
}
