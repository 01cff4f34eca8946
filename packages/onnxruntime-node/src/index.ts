/**
 * @skipconn/onnxruntime-node: importing this module registers the adapters `ort-node:cpu` and
 * `ort-node:cuda`. onnxruntime-node itself loads only in init(), so listing adapters stays cheap.
 */
import { registerAdapter } from '@skipconn/core';
import { createOrtNodeAdapter, ORT_NODE_CPU, ORT_NODE_CUDA } from './adapter';

export { createOrtNodeAdapter, ORT_NODE_CPU, ORT_NODE_CUDA } from './adapter';
export type { OrtDevice, OrtSessionOptions } from './adapter';
export { cudaUnavailableReason, CUDA_FIX, CUDA_PROVIDER_LIB } from './cuda';
export { conformanceExpectFail } from './expect-fail';

registerAdapter(ORT_NODE_CPU, () => createOrtNodeAdapter('cpu'), 50, 'ONNX Runtime for Node, CPU execution provider (graph exported to ONNX opset 17)');
registerAdapter(ORT_NODE_CUDA, () => createOrtNodeAdapter('cuda'), 60, 'ONNX Runtime for Node, CUDA execution provider (needs the CUDA 12 provider binaries)');
