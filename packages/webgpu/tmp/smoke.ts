import { GraphBuilder, evaluateGraph, randomTensor, blocks } from '@skipconn/core';
import { createWebGpuAdapter } from '../src';

async function main() {
  const a = createWebGpuAdapter({ checkShaderKeys: true });
  const t0 = Date.now();
  await a.init();
  console.log('init', Date.now() - t0, 'ms', a.device);
  const b = new GraphBuilder('t');
  const x = b.input('x', [1, 8, 6, 6], { layout: 'NCHW' });
  const y = blocks.resnetBasicBlock(b, x, 'blk', 8, 8);
  b.output(y);
  const { validated, weights } = b.build();
  const c = await a.compile(validated, weights);
  console.log(c.report);
  const feeds = { x: randomTensor([1, 8, 6, 6], 1) };
  const got = await c.run(feeds);
  const want = evaluateGraph(validated, weights, feeds);
  const g = got[y]!.data as Float32Array, w = want[y]!.data as Float32Array;
  let m = 0; for (let i = 0; i < g.length; i++) m = Math.max(m, Math.abs(g[i]! - w[i]!));
  console.log('max abs err', m, a.resources());
  await c.dispose();
  console.log(a.resources(), a.stats());
  await a.dispose();
}
main().catch((e) => { console.error(e); process.exit(1); });
