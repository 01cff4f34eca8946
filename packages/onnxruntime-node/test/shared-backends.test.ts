/**
 * ort-node:cpu runs on onnxruntime-node even when onnxruntime-web was loaded first in the same
 * process. Both share one onnxruntime-common, whose registry of backends by EP name keeps the
 * first 'cpu' it gets (1.30), and onnxruntime-web registers its wasm backend as 'cpu'; before the
 * adapter opened sessions through onnxruntime-node's own backend, its output there was
 * onnxruntime-web's, bit for bit. The child runs a layerNorm of values around 1000, where
 * onnxruntime-web's one-pass variance is 1.8e-4 off and onnxruntime-node's far closer.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

test('ort-node:cpu is not onnxruntime-web registered as "cpu" first', () => {
  const child = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'shared-backends.child.ts')], { encoding: 'utf8', timeout: 120_000 });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as { ortNodeAdapter: number; onnxruntimeWebCpu: number; sameAsWeb: boolean };
  expect(result.sameAsWeb).toBe(false);
  expect(result.onnxruntimeWebCpu).toBeGreaterThan(1e-4);
  expect(result.ortNodeAdapter).toBeLessThan(result.onnxruntimeWebCpu / 2);
});
