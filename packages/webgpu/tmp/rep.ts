import { GraphBuilder, blocks, randomTensor } from '@skipconn/core';
import { createWebGpuAdapter } from '../src';
async function main() {
  const a = createWebGpuAdapter();
  await a.init();
  for (const [name, make, shape, layout] of [
    ['pre', (b: GraphBuilder, x: string) => blocks.transformerBlock(b, x, 't', { batch: 2, tokens: 5, width: 8, heads: 2 }, 'pre'), [2, 5, 8], 'NTC'],
    ['post', (b: GraphBuilder, x: string) => blocks.transformerBlock(b, x, 't', { batch: 2, tokens: 5, width: 8, heads: 2 }, 'post'), [2, 5, 8], 'NTC'],
    ['dense-nhwc', (b: GraphBuilder, x: string) => blocks.denseBlock(b, x, 'd', 4, 3, 4), [1, 5, 5, 4], 'NHWC'],
  ] as const) {
    const b = new GraphBuilder();
    const x = b.input('x', shape as unknown as number[], { layout: layout as 'NTC' });
    b.output(make(b, x));
    const { validated, weights } = b.build();
    const c = await a.compile(validated, weights);
    console.log(name, c.report.kernels.map((k) => k.label).join(' | '), c.report.arenaBytes, c.report.hostedMembers);
    void randomTensor;
    await c.dispose();
  }
  await a.dispose();
}
main();
