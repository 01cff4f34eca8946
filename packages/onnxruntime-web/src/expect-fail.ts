/**
 * Cases the ort-web adapters are expected to fail, each with its reason. Measured with
 * onnxruntime-web 1.30.0 on SwiftShader (Vulkan, software): the lists are identical in Node
 * (wasm in-process, WebGPU through Dawn) and in headless Chromium 156 (browser harness), so the
 * browser proxies use these same lists. A case that starts passing fails its test: delete it here.
 */
import type { ExpectFailMap } from '@skipconn/core';

// --- onnxruntime's own numerics, shared by its CPU (wasm) and WebGPU kernels ------------------

const ONE_PASS_VARIANCE = 'onnxruntime LayerNormalization computes the variance in one pass as E[x^2] - E[x]^2 in float32, which loses its digits for inputs far from zero (this case: mean 100, spread 1)';

// --- onnxruntime CPU kernels (the wasm EP) ------------------------------------------------------

const RESIZE_INF_EDGE =
  "onnxruntime's CPU Resize weights the two neighbours ((1-t)*a + t*b) and returns +Inf where both are +Inf; the reference evaluator interpolates as a + (b-a)*t and gets Inf - Inf = NaN at the 5 edge pixels next to the Inf input (the ONNX reference implementation agrees with onnxruntime here; reported to the conformance owners)";

export const ORT_WEB_WASM_EXPECT_FAIL: ExpectFailMap = {
  'op/layerNorm/shifted/NC/[3,32]': ONE_PASS_VARIANCE,
  'op/resize/bilinear-specials/NCHW/[1,1,3,3]': RESIZE_INF_EDGE,
};

// --- onnxruntime-web 1.30 WebGPU EP (JSEP) --------------------------------------------------------

const NAN_MAX =
  "WGSL leaves max/min/clamp of a NaN operand indeterminate, and JSEP writes Relu, Clip, HardSigmoid, MaxPool, Softmax's row max and Sigmoid's input clamp with them: on SwiftShader NaN becomes the other operand instead of propagating";
const CEIL_MODE =
  "JSEP's pool kernels do not implement ceil_mode (1.30), and an average that counts its declared pads cannot be written in floor mode (its ceil-mode overhang is not counted); skipconn refuses the graph before onnxruntime sees it, because trying leaves the WebGPU backend unusable";
const ZERO_SIZE = 'JSEP kernels refuse zero-size tensors ("Program ... has zero-sized tensor(s)", "invalid shape specified")';
const MATMUL_1D = "JSEP MatMul does not accept 1-D operands (numpy vector semantics): 'shared dimension does not match' / 'Can't use matmul on the given tensors'";
const CONVT_GROUPS = "JSEP's grouped ConvTranspose shader fails WGSL validation (\"cannot assign 'vec2<f32>' to 'f32'\"), so the output is garbage";
const CONVT_ASYM_PADS = 'JSEP ConvTranspose gives wrong values with asymmetric pads (pads [0,1,1,0]); onnxruntime CPU is right';
const MAXPOOL_DILATION = 'JSEP MaxPool gives wrong values with dilations [2,2]; onnxruntime CPU is right';
const SLICE_BACK_TO_ZERO =
  "JSEP's Slice clamps an end below -d to 0 instead of -1 for a negative step, so a backward walk that should reach index 0 stops one element short (ONNX spells 'through index 0' only as such an end); onnxruntime CPU is right";
const ELU_NAN = "JSEP's Elu takes the exp(x) - 1 branch for a NaN input, and SwiftShader's exp(NaN) is Infinity, so NaN becomes Infinity instead of passing through";
const CAST_FROM_FLOAT16 = "JSEP's Cast from float16 to float32 writes zeros on SwiftShader (no shader-f16 there); the wasm EP casts the same bytes right";
const ARGMAX_RANK1 =
  "JSEP gives index 0 for a rank-1 float argMax ([9] values, best at 1) through the export's NaN test (IsNaN, ArgMax of the mask, GatherElements, Where); the int32 path, a plain ArgMax, and rank 2 are right";
const ARGMAX_LOW_ROW = 'JSEP ArgMax returns indices outside the row (6 in a row of 5, 16 in a row of 6) for rows of large-magnitude values (-Infinity, +-1e30); onnxruntime CPU is right';
const GATHERND_EMPTY = 'JSEP GatherND refuses zero-size int64 indices ("Unsupported data type: 7")';
const RESIZE_SHAPE = 'JSEP Resize rounds in*scale to the nearest size (9x8) where ONNX floors it (8x7), so the output shape is wrong';

export const ORT_WEB_WEBGPU_EXPECT_FAIL: ExpectFailMap = {
  'op/slice/reverse/none/[2,7]': SLICE_BACK_TO_ZERO,
  'op/slice/negative-step2/none/[3,8]': SLICE_BACK_TO_ZERO,
  'op/slice/specials-reversed/none/[8]': SLICE_BACK_TO_ZERO,
  'op/slice/literal/negative-step/none/[2,3]': SLICE_BACK_TO_ZERO,
  'merge/residual/specials-post-relu/NHWC/[1,3,3,2]': NAN_MAX,
  'op/relu/specials/none/[12]': NAN_MAX,
  'op/relu/literal/none/[6]': NAN_MAX,
  'op/sigmoid/specials/none/[12]': NAN_MAX,
  'op/clip/relu6/specials/none/[12]': NAN_MAX,
  'op/clip/min-only/specials/none/[12]': NAN_MAX,
  'op/clip/max-only/specials/none/[12]': NAN_MAX,
  'op/clip/no-bounds/specials/none/[12]': NAN_MAX,
  'op/clip/equal-bounds/rank2/NC/[3,4]': NAN_MAX,
  'op/clip/relu6/literal/none/[8]': NAN_MAX,
  'op/hardSigmoid/default/specials/none/[12]': NAN_MAX,
  'op/hardSigmoid/pytorch/specials/none/[12]': NAN_MAX,
  'op/hardSigmoid/negative-slope/specials/none/[12]': NAN_MAX,
  'op/hardSigmoid/default/literal/none/[9]': NAN_MAX,
  'op/maxPool2d/specials/NCHW/[1,1,4,4]': NAN_MAX,
  'op/maxPool2d/specials/NHWC/[1,4,4,1]': NAN_MAX,
  'op/softmax/literal/specials/NC/[4,3]': NAN_MAX,
  'op/softmax/nan-row/NC/[3,4]': NAN_MAX,
  'op/convTranspose2d/groups2/NCHW/[1,4,3,3]': CONVT_GROUPS,
  'op/convTranspose2d/groups2/NHWC/[1,3,3,4]': CONVT_GROUPS,
  'op/convTranspose2d/pads-asymmetric/NCHW/[1,2,4,4]': CONVT_ASYM_PADS,
  'op/convTranspose2d/pads-asymmetric/NHWC/[1,4,4,2]': CONVT_ASYM_PADS,
  'op/dense/zero-batch/NC/[0,8]->4': ZERO_SIZE,
  'op/dense/zero-features/NC/[3,0]->4': ZERO_SIZE,
  'op/matmul/zero-inner/none/[3,0]@[0,4]': ZERO_SIZE,
  'op/pad/constant-empty-axis/NCHW/[1,2,0,3]': ZERO_SIZE,
  'op/matmul/vector-dot/none/[8]@[8]': MATMUL_1D,
  'op/matmul/vector-matrix/none/[8]@[8,3]': MATMUL_1D,
  'op/matmul/vector-matrix/none/[37]@[37,50]': MATMUL_1D,
  'op/matmul/matrix-vector/none/[3,8]@[8]': MATMUL_1D,
  'op/matmul/literal/vector-dot/none/[3]@[3]': MATMUL_1D,
  'op/layerNorm/shifted/NC/[3,32]': ONE_PASS_VARIANCE,
  'op/avgPool2d/k3-s2-pad1-ceil-include-pad/NCHW/[1,2,6,6]': CEIL_MODE,
  'op/avgPool2d/k3-s2-pad1-ceil-include-pad/NHWC/[1,6,6,2]': CEIL_MODE,
  'op/maxPool2d/dilation2/NCHW/[1,2,7,7]': MAXPOOL_DILATION,
  'op/maxPool2d/dilation2/NHWC/[1,7,7,2]': MAXPOOL_DILATION,
  'op/resize/bilinear-half_pixel-x1.7/NCHW/[1,1,5,3]': RESIZE_SHAPE,
  'op/elu/default/specials/none/[12]': ELU_NAN,
  'op/elu/alpha/specials/none/[12]': ELU_NAN,
  'op/elu/default/literal/none/[6]': ELU_NAN,
  'op/cast/float16-to-float32/NC/[4,16]/float16': CAST_FROM_FLOAT16,
  'op/argMax/rank1/none/[9]': ARGMAX_RANK1,
  'op/argMax/large/none/[4,6]': ARGMAX_LOW_ROW,
  'op/argMax/literal/ties/none/[4,5]': ARGMAX_LOW_ROW,
  'op/gatherNd/zero-size/none/[4,5]x[0,2]': GATHERND_EMPTY,
};

export const ORT_WEB_EXPECT_FAIL: Readonly<Record<string, ExpectFailMap>> = {
  'ort-web:wasm': ORT_WEB_WASM_EXPECT_FAIL,
  'ort-web:webgpu': ORT_WEB_WEBGPU_EXPECT_FAIL,
};
