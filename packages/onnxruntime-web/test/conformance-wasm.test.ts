/**
 * The whole conformance suite on ort-web:wasm in this Node process. No special jest setup: the
 * adapter loads onnxruntime-web with Node's own require (src/node/runtime.ts), so its dynamic
 * import of the wasm glue works without --experimental-vm-modules.
 */
import { describeConformance } from '@skipconn/conformance';
import { ORT_WEB_WASM_EXPECT_FAIL, createOrtWebWasmAdapter } from '@skipconn/onnxruntime-web';

describeConformance(() => createOrtWebWasmAdapter(), { expectFail: ORT_WEB_WASM_EXPECT_FAIL });
