/**
 * Real PyTorch models (packages/onnx/test/fixtures) through the browser harness: imported to IR
 * in Node, exported to ONNX and run by onnxruntime-web inside Chromium, on the WebGPU EP and the
 * wasm EP, within atol 1e-4 + rtol 1e-3 of PyTorch's own output.
 */
import * as path from 'path';
import { AdapterUnavailableError, type Adapter } from '@skipconn/core';
import { readNpyFile } from '@skipconn/core/node';
import { requiredAdaptersFromEnv } from '@skipconn/conformance';
import { loadOnnxFile } from '@skipconn/onnx/node';
import { createBrowserAdapter } from '@skipconn/browser-harness';
import { expectClose } from '../../onnx/test/compare';
import { FIXTURES, fixtureNames } from '../../onnx/test/fixture-files';

describe.each(['ort-web:webgpu', 'ort-web:wasm'])('PyTorch fixtures on %s@chromium', (pageName) => {
  const adapter: Adapter = createBrowserAdapter(pageName);
  let unavailable: string | undefined;
  beforeAll(async () => {
    try {
      await adapter.init();
    } catch (err) {
      if (!(err instanceof AdapterUnavailableError) || requiredAdaptersFromEnv().includes(adapter.name)) throw err;
      unavailable = err.message;
      console.warn(`skipped: ${unavailable}`);
    }
  });
  afterAll(() => adapter.dispose());

  it.each(fixtureNames())('%s matches PyTorch', async (name) => {
    if (unavailable !== undefined) return;
    const dir = path.join(FIXTURES, name);
    const model = loadOnnxFile(path.join(dir, 'model.onnx'));
    const compiled = await adapter.compile(model.validated, model.weights);
    try {
      expect(compiled.info.executionProvider).toBe(pageName === 'ort-web:webgpu' ? 'webgpu' : 'wasm');
      const got = await compiled.run({ [model.validated.graph.inputs[0]!.name]: readNpyFile(path.join(dir, 'input.npy')) });
      expectClose(got[model.validated.graph.outputs[0]!], readNpyFile(path.join(dir, 'output.npy')), 1e-4, 1e-3, `${name} ${adapter.name} vs PyTorch`);
    } finally {
      await compiled.dispose();
    }
    expect(adapter.resources()).toEqual({ sessions: 0 });
  });
});
