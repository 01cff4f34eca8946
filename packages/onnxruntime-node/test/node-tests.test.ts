/**
 * @jest-environment ./packages/onnxruntime-node/test/environment.js
 */
/**
 * ONNX backend node tests (libonnx-testdata) on ort-node:cpu: every test the importer takes is
 * exported back to ONNX by skipconn and run by onnxruntime; outputs must match the stored ones.
 * Skipped tests are those the importer refuses (listed with reasons in docs/onnx.md).
 */
import { SkipconnError } from '@skipconn/core';
import { createOrtNodeAdapter } from '@skipconn/onnxruntime-node';
import { expectClose } from '../../onnx/test/compare';
import { loadNodeTest, nodeTests } from '../../onnx/test/node-tests';
import { NODE_TEST_EXPECT_FAIL } from '../../onnx/test/node-tests-expect';

const tests = nodeTests();
const d = tests.length > 0 ? describe : describe.skip;

d('ONNX node tests on ort-node:cpu', () => {
  const adapter = createOrtNodeAdapter('cpu');
  beforeAll(() => adapter.init());
  afterAll(() => adapter.dispose());

  it.each(tests.map((t) => [t.name, t] as const))('%s', async (_name, t) => {
    let loaded;
    try {
      loaded = loadNodeTest(t);
    } catch (err) {
      if (!(err instanceof SkipconnError)) throw err;
      return;
    }
    const compiled = await adapter.compile(loaded.model.validated, loaded.model.weights);
    try {
      const got = await compiled.run(loaded.feeds);
      const check = () => loaded.model.graph.outputs.forEach((name, i) => expectClose(got[name], loaded.outputs[i], 1e-4, 1e-3, `${t.name} output ${i}`));
      if (NODE_TEST_EXPECT_FAIL[t.name] !== undefined) expect(check).toThrow();
      else check();
    } finally {
      await compiled.dispose();
    }
  });
});
