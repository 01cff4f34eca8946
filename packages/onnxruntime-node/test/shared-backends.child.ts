/**
 * Run by shared-backends.test.ts in a plain Node process (jest gives each package its own copy of
 * onnxruntime-common, which would hide the problem). Loads onnxruntime-web first, as code of the
 * user's could, then runs one layerNorm graph whose one-pass variance onnxruntime-web gets wrong
 * on ort-node:cpu and on a plain onnxruntime-web session asking for 'cpu', and prints both max abs
 * errors against the float64 reference evaluator, and whether the two outputs are bit for bit
 * the same, as JSON.
 */
import { GraphBuilder, evaluateGraph, tensor, type HostTensor } from '@skipconn/core';
import { exportOnnx } from '@skipconn/onnx';
import { createOrtNodeAdapter } from '@skipconn/onnxruntime-node';

import type * as OrtWeb from 'onnxruntime-web';

// A plain require: loaded before onnxruntime-node, as a user's own code could.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const web = require('onnxruntime-web') as typeof OrtWeb;

const ROWS = 3;
const WIDTH = 32;

async function main(): Promise<void> {
  const b = new GraphBuilder('shifted-layer-norm');
  const x = b.input('x', [ROWS, WIDTH]);
  const weight = b.weight(
    'weight',
    tensor(
      'float32',
      [WIDTH],
      Array.from({ length: WIDTH }, () => 1),
    ),
  );
  const bias = b.weight(
    'bias',
    tensor(
      'float32',
      [WIDTH],
      Array.from({ length: WIDTH }, () => 0),
    ),
  );
  b.output(b.node('layerNorm', [x, weight, bias], { axis: -1 }, 'y'));
  const { validated, weights } = b.build();
  // Mean 1000, spread 1: E[x^2] - E[x]^2 in float32 loses most of the variance's digits.
  const values = Array.from({ length: ROWS * WIDTH }, (_, i) => 1000 + Math.sin(i * 12.9898) * 0.5);
  const feeds = { x: tensor('float32', [ROWS, WIDTH], values) };
  const want = evaluateGraph(validated, weights, feeds, { float64: true })['y']!;
  const maxAbs = (got: ArrayLike<number>) => Array.from(got).reduce((m, v, i) => Math.max(m, Math.abs(v - (want.data as Float64Array)[i]!)), 0);

  const adapter = createOrtNodeAdapter('cpu');
  await adapter.init();
  const compiled = await adapter.compile(validated, weights);
  const viaAdapter = ((await compiled.run(feeds)) as Record<string, HostTensor>)['y']!;
  await compiled.dispose();
  await adapter.dispose();

  const session = await web.InferenceSession.create(exportOnnx(validated, weights), { executionProviders: ['cpu'] });
  const out = await session.run({ x: new web.Tensor('float32', Float32Array.from(values), [ROWS, WIDTH]) });
  const viaWebCpu = out[session.outputNames[0]!]!.data as Float32Array;
  await session.release();
  const adapterValues = viaAdapter.data as Float32Array;
  const sameAsWeb = adapterValues.every((v, i) => Object.is(v, viaWebCpu[i]));
  console.log(JSON.stringify({ ortNodeAdapter: maxAbs(adapterValues), onnxruntimeWebCpu: maxAbs(viaWebCpu), sameAsWeb }));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
