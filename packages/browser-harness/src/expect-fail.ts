/**
 * Expect-fail lists of the browser adapters, by proxy name. The ort-web adapters fail the same
 * cases in Chromium as in Node (same onnxruntime-web build, SwiftShader under both), so their
 * lists are the package's own; see @skipconn/onnxruntime-web/src/expect-fail.ts for the reasons.
 */
import type { ExpectFailMap } from '@skipconn/conformance';
import { ORT_WEB_WASM_EXPECT_FAIL, ORT_WEB_WEBGPU_EXPECT_FAIL } from '@skipconn/onnxruntime-web/browser';
import { BROWSER_SUFFIX } from './providers';

export const BROWSER_EXPECT_FAIL: Readonly<Record<string, ExpectFailMap>> = {
  [`ort-web:wasm${BROWSER_SUFFIX}`]: ORT_WEB_WASM_EXPECT_FAIL,
  [`ort-web:webgpu${BROWSER_SUFFIX}`]: ORT_WEB_WEBGPU_EXPECT_FAIL,
};
