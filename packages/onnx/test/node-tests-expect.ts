/** ONNX node tests whose stored outputs disagree with the IR's (and onnxruntime's) semantics, with why. */
export const NODE_TEST_EXPECT_FAIL: Readonly<Record<string, string>> = {
  test_resize_downsample_scales_linear_align_corners: "onnx 1.12's reference computes align_corners with the fractional output length in * scale (2.4); the IR, like onnxruntime, uses the integer output length (2)",
};
