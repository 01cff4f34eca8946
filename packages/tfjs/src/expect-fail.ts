/**
 * Conformance cases expected to fail on each tfjs backend, each with its reason. Keep them short:
 * an expect-fail case that starts passing fails the run, so these lists only shrink. The webgl
 * and webgpu lists were measured in headless Chromium 156 on SwiftShader (browser harness,
 * `tfjs:webgl@chromium`, `tfjs:webgpu@chromium`), tfjs 4.22.0, every case of the suite.
 */
import type { ExpectFailMap } from '@skipconn/core';

/** Failures shared by every tfjs backend (they come from tfjs-core or from float32 itself). */
const TFJS_COMMON: ExpectFailMap = {};

// tfjs's cpu topk orders by b - a, which is NaN for two equal infinities, so their indices come out in any order.
const CPU_TOPK_INFINITE_TIES = "tfjs's cpu topk compares values by subtraction, and Infinity - Infinity is NaN, so tied infinities lose the lower-index-first order ([-Inf, 7, Inf, 7, Inf] gives indices 4, 2, 1)";

export const TFJS_CPU_EXPECT_FAIL: ExpectFailMap = { ...TFJS_COMMON, 'op/topK/literal/infinite-ties/none/[2,5]': CPU_TOPK_INFINITE_TIES };

export const TFJS_WASM_EXPECT_FAIL: ExpectFailMap = {
  ...TFJS_COMMON,
  'op/floorDiv/literal/large/none/[4]': "tfjs-wasm's FloorDiv divides int32 values in float32, so quotients of dividends beyond 2^24 are off by up to a few dozen (715827904 for 2147483647 // 3)",
};

// Both GPU backends start every max-pool window at -1e20 (tfjs's "minus infinity" constant).
const GPU_MAXPOOL_FLOOR = 'tfjs GPU maxPool starts each window at -1e20, so a window of only -Inf gives -1e20';
// Both GPU backends hand small int32 products to tfjs's cpu kernel, which multiplies in float64.
const GPU_INT_PRODUCT = "tfjs's GPU backends run this small int32 product on tfjs's cpu kernel, which multiplies in float64 and loses the low bits beyond 2^53 before wrapping ((2^31 - 1)^2 gives 0, not 1)";
const GPU_COMMON: ExpectFailMap = {
  ...TFJS_COMMON,
  'op/mul/int32/literal/wrap-large/none/[3]': GPU_INT_PRODUCT,
  'op/maxPool2d/specials/NCHW/[1,1,4,4]': GPU_MAXPOOL_FLOOR,
  'op/maxPool2d/specials/NHWC/[1,4,4,1]': GPU_MAXPOOL_FLOOR,
  // tfjs-webgl runs topk with a last axis below 100000 on tfjs's cpu kernel, tfjs-webgpu a small input still held on the CPU.
  'op/topK/literal/infinite-ties/none/[2,5]': `${CPU_TOPK_INFINITE_TIES}; the GPU backends run small topk on that cpu kernel`,
};

const WEBGL_RELU = "tfjs-webgl's packed relu is x * (x >= 0): relu(-Inf) = -Inf * 0 = NaN";
const WEBGL_DIV = "tfjs-webgl's div returns 1 when a == b, so 0/0 and Inf/Inf give 1, not NaN";

export const TFJS_WEBGL_EXPECT_FAIL: ExpectFailMap = {
  ...GPU_COMMON,
  'merge/residual/specials-post-relu/NHWC/[1,3,3,2]': WEBGL_RELU,
  'op/relu/specials/none/[12]': WEBGL_RELU,
  'op/relu/literal/none/[6]': WEBGL_RELU,
  'op/div/specials/none/[8]x[8]': WEBGL_DIV,
  'op/div/literal/by-zero/none/[6]': WEBGL_DIV,
  'op/floorDiv/literal/large/none/[4]': "tfjs-webgl's FloorDiv divides int32 values in float32 shaders, so dividends beyond 2^24 give wrong quotients (-715827882 for 2147483647 // 3)",
};

export const TFJS_WEBGPU_EXPECT_FAIL: ExpectFailMap = {
  ...GPU_COMMON,
  'op/sigmoid/specials/none/[12]': 'WGSL does not promise NaN propagation: tfjs-webgpu sigmoid(NaN) is 0 on SwiftShader',
};
