/**
 * Conformance cases expected to fail on these adapters, each with its reason (case id -> why).
 * The same lists serve the package's jest test and `skipconn conformance`; an entry whose case
 * starts passing fails the run, so the lists only shrink.
 */
import type { ExpectFailMap } from '@skipconn/core';

const ORT_CPU: ExpectFailMap = {
  'op/maxPool2d/specials/NCHW/[1,1,4,4]': "onnxruntime's MaxPool skips NaN (its max compares with >), the IR propagates NaN from any window element as PyTorch does; emulating it would cost every MaxPool three extra ops",
  'op/maxPool2d/specials/NHWC/[1,4,4,1]': "onnxruntime's MaxPool skips NaN (its max compares with >), the IR propagates NaN from any window element as PyTorch does",
  'op/resize/bilinear-specials/NCHW/[1,1,3,3]': "onnxruntime's bilinear Resize drops terms whose weight is 0, so an Inf next to the sample point stays Inf; the IR's weighted sum gives Inf * 0 = NaN there",
};

export const conformanceExpectFail: Readonly<Record<string, ExpectFailMap>> = {
  'ort-node:cpu': ORT_CPU,
  // Same kernels semantics on CUDA are unverified (no CUDA machine with the provider here).
  'ort-node:cuda': {},
};
