/**
 * Expect-fail lists of the browser adapters, by proxy name. Each list is its package's own: the
 * ort-web adapters fail the same cases in Chromium as in Node (same onnxruntime-web build,
 * SwiftShader under both), and the tfjs GPU lists were measured in this harness. The reasons are
 * in @skipconn/onnxruntime-web/src/expect-fail.ts and @skipconn/tfjs/src/expect-fail.ts.
 */
import type { ExpectFailMap } from '@skipconn/core';
import { ORT_WEB_WASM_EXPECT_FAIL, ORT_WEB_WEBGPU_EXPECT_FAIL } from '@skipconn/onnxruntime-web/browser';
import { TFJS_WEBGL_EXPECT_FAIL, TFJS_WEBGPU_EXPECT_FAIL } from '@skipconn/tfjs/browser';
import { BROWSER_SUFFIX } from './providers';

export const BROWSER_EXPECT_FAIL: Readonly<Record<string, ExpectFailMap>> = {
  [`ort-web:wasm${BROWSER_SUFFIX}`]: ORT_WEB_WASM_EXPECT_FAIL,
  [`ort-web:webgpu${BROWSER_SUFFIX}`]: ORT_WEB_WEBGPU_EXPECT_FAIL,
  // Every case passes in Chromium on SwiftShader (float16 graphs computed in float32, as in Node).
  [`webgpu${BROWSER_SUFFIX}`]: {},
  [`tfjs:webgl${BROWSER_SUFFIX}`]: TFJS_WEBGL_EXPECT_FAIL,
  [`tfjs:webgpu${BROWSER_SUFFIX}`]: TFJS_WEBGPU_EXPECT_FAIL,
};
