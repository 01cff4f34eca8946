/**
 * @jest-environment ./packages/onnxruntime-node/test/environment.js
 */
/**
 * Real PyTorch models (packages/onnx/test/fixtures) imported to IR, exported again by skipconn
 * and run on ort-node:cpu: within atol 1e-4 + rtol 1e-3 of PyTorch's own output.
 */
import * as path from 'path';
import { readNpyFile } from '@skipconn/core/node';
import { loadOnnxFile } from '@skipconn/onnx/node';
import { createOrtNodeAdapter } from '@skipconn/onnxruntime-node';
import { expectClose } from '../../onnx/test/compare';
import { FIXTURES, fixtureNames } from '../../onnx/test/fixture-files';

describe('PyTorch fixtures on ort-node:cpu', () => {
  const adapter = createOrtNodeAdapter('cpu');
  beforeAll(() => adapter.init());
  afterAll(() => adapter.dispose());

  it.each(fixtureNames())('%s matches PyTorch', async (name) => {
    const dir = path.join(FIXTURES, name);
    const model = loadOnnxFile(path.join(dir, 'model.onnx'));
    const compiled = await adapter.compile(model.validated, model.weights);
    const got = await compiled.run({ [model.validated.graph.inputs[0]!.name]: readNpyFile(path.join(dir, 'input.npy')) });
    expectClose(got[model.validated.graph.outputs[0]!], readNpyFile(path.join(dir, 'output.npy')), 1e-4, 1e-3, `${name} ort-node:cpu vs PyTorch`);
    await compiled.dispose();
    expect(adapter.resources()).toEqual({ sessions: 0 });
  });
});
