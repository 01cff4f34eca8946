/**
 * @jest-environment ./packages/onnxruntime-node/test/environment.js
 */
/**
 * The whole conformance suite on ort-node:cpu (every case exported to ONNX and run by
 * onnxruntime), and on ort-node:cuda, which reports itself skipped with its reason where the CUDA
 * provider is not installed (REQUIRE_ADAPTERS=ort-node:cuda turns that into a failure).
 */
import { describeConformance } from '@skipconn/conformance';
import { conformanceExpectFail, createOrtNodeAdapter } from '@skipconn/onnxruntime-node';

describeConformance(() => createOrtNodeAdapter('cpu'), { expectFail: conformanceExpectFail['ort-node:cpu'] });
describeConformance(() => createOrtNodeAdapter('cuda'), { expectFail: conformanceExpectFail['ort-node:cuda'] });
