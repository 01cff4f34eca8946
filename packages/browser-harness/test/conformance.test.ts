/**
 * The conformance suite inside headless Chromium: ort-web:wasm@chromium and
 * ort-web:webgpu@chromium (WebGPU on SwiftShader there), one jest test per case with the same
 * case ids as in Node. Without /usr/bin/chromium (or playwright-core, esbuild) each adapter
 * reports itself skipped with the reason; REQUIRE_ADAPTERS turns that into a failure.
 */
import { describeConformance } from '@skipconn/conformance';
import { BROWSER_EXPECT_FAIL, createBrowserAdapter } from '@skipconn/browser-harness';

describeConformance(() => createBrowserAdapter('ort-web:wasm'), { expectFail: BROWSER_EXPECT_FAIL['ort-web:wasm@chromium'] });
describeConformance(() => createBrowserAdapter('ort-web:webgpu'), { expectFail: BROWSER_EXPECT_FAIL['ort-web:webgpu@chromium'] });
