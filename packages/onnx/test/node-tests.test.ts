/**
 * ONNX backend node tests (libonnx-testdata) on the reference evaluator: every test the importer
 * takes must reproduce the stored outputs. Tests it refuses are skipped with a typed error naming
 * the reason (see docs/onnx.md for the generated list); refusing with anything but a
 * SkipconnError is a bug.
 */
import { SkipconnError, evaluateGraph } from '@skipconn/core';
import { expectClose } from './compare';
import { loadNodeTest, nodeTests, NODE_TESTS_DIR } from './node-tests';
import { NODE_TEST_EXPECT_FAIL } from './node-tests-expect';

const tests = nodeTests();

const d = tests.length > 0 ? describe : describe.skip;

/** Ops the importer claims, so their node tests must mostly import. */
const MUST_PASS = [
  'test_add',
  'test_add_bcast',
  'test_sub',
  'test_mul',
  'test_div',
  'test_relu',
  'test_sigmoid',
  'test_tanh',
  'test_softmax_axis_1',
  'test_conv_with_strides_padding',
  'test_convtranspose',
  'test_gemm_default_no_bias',
  'test_gemm_transposeB',
  'test_matmul_2d',
  'test_maxpool_2d_pads',
  'test_averagepool_2d_pads_count_include_pad',
  'test_globalaveragepool',
  'test_batchnorm_example',
  'test_concat_2d_axis_1',
  'test_concat_3d_axis_0',
  'test_flatten_axis1',
  'test_reshape_reordered_all_dims',
  'test_transpose_default',
  'test_resize_upsample_scales_nearest',
  'test_resize_downsample_scales_linear',
  'test_shape',
  'test_unsqueeze_axis_0',
  'test_clip',
  'test_clip_example',
  'test_clip_default_min',
  'test_clip_default_max',
  'test_clip_splitbounds',
];

d(`ONNX node tests on reference (${NODE_TESTS_DIR})`, () => {
  const passed: string[] = [];
  it.each(tests.map((t) => [t.name, t] as const))('%s', (_name, t) => {
    let loaded;
    try {
      loaded = loadNodeTest(t);
    } catch (err) {
      if (!(err instanceof SkipconnError)) throw err;
      return; // unsupported: listed in docs/onnx.md with its reason
    }
    const got = evaluateGraph(loaded.model.validated, loaded.model.weights, loaded.feeds);
    const check = () => loaded.model.graph.outputs.forEach((name, i) => expectClose(got[name], loaded.outputs[i], 1e-4, 1e-3, `${t.name} output ${i}`));
    if (NODE_TEST_EXPECT_FAIL[t.name] !== undefined) {
      expect(check).toThrow();
      return;
    }
    check();
    passed.push(t.name);
  });
  afterAll(() => {
    const missing = MUST_PASS.filter((n) => tests.some((t) => t.name === n) && !passed.includes(n));
    if (missing.length > 0) throw new Error(`node tests that must pass did not: ${missing.join(', ')}`);
  });
});
