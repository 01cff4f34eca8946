/**
 * The conformance suite inside headless Chromium, one jest test per case with the same case ids
 * as in Node. ort-web:wasm@chromium and ort-web:webgpu@chromium (WebGPU on SwiftShader) run every
 * case. webgpu@chromium, tfjs:webgl@chromium and tfjs:webgpu@chromium run the skip connections,
 * composite blocks and error cases (merge|block|error: 199 of 658 cases, ~42 s together on 2
 * cores); SKIPCONN_FULL_CONFORMANCE=1 runs every case on them too (~115 s). All five share
 * one Chromium and one page, held open for the whole file. Without /usr/bin/chromium (or
 * playwright-core, esbuild) each adapter reports itself skipped with the reason;
 * REQUIRE_ADAPTERS turns that into a failure.
 */
import { describeConformance } from '@skipconn/conformance';
import { BROWSER_EXPECT_FAIL, acquireBrowser, browserUnavailableReason, createBrowserAdapter, releaseBrowser } from '@skipconn/browser-harness';

const full = process.env['SKIPCONN_FULL_CONFORMANCE'] === '1';
const subset = full ? {} : { filter: 'merge|block|error' };

// Each describe block disposes its adapter when done; holding the shared session here keeps the
// browser open between them instead of relaunching it five times. A failed launch is left to the
// adapters, which report it as their unavailability.
let held = false;
beforeAll(async () => {
  if (browserUnavailableReason() !== undefined) return;
  held = await acquireBrowser().then(
    () => true,
    () => false,
  );
}, 120_000);
afterAll(async () => {
  if (held) await releaseBrowser();
});

describeConformance(() => createBrowserAdapter('ort-web:wasm'), { expectFail: BROWSER_EXPECT_FAIL['ort-web:wasm@chromium'] });
describeConformance(() => createBrowserAdapter('ort-web:webgpu'), { expectFail: BROWSER_EXPECT_FAIL['ort-web:webgpu@chromium'] });
describeConformance(() => createBrowserAdapter('webgpu'), { expectFail: BROWSER_EXPECT_FAIL['webgpu@chromium'], ...subset });
describeConformance(() => createBrowserAdapter('tfjs:webgl'), { expectFail: BROWSER_EXPECT_FAIL['tfjs:webgl@chromium'], ...subset });
describeConformance(() => createBrowserAdapter('tfjs:webgpu'), { expectFail: BROWSER_EXPECT_FAIL['tfjs:webgpu@chromium'], ...subset });
