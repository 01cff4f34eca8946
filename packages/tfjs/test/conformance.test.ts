/**
 * The whole conformance suite on the tfjs adapters. tfjs:cpu and tfjs:wasm run here; tfjs:webgpu
 * (no navigator.gpu), tfjs:webgl (browser only) and tfjs:node (tfjs-node cannot install here)
 * report themselves skipped with their reasons, or fail where REQUIRE_ADAPTERS names them.
 * tfjs:webgl and tfjs:webgpu run in headless Chromium: packages/browser-harness/test/conformance.test.ts.
 */
import './helpers';
import { describeConformance } from '@skipconn/conformance';
import { createTfjsAdapter, TFJS_CPU, TFJS_NODE, TFJS_WASM, TFJS_WEBGL, TFJS_WEBGPU } from '../src';
import { TFJS_CPU_EXPECT_FAIL, TFJS_WASM_EXPECT_FAIL, TFJS_WEBGL_EXPECT_FAIL, TFJS_WEBGPU_EXPECT_FAIL } from '../src/expect-fail';

describeConformance(() => createTfjsAdapter(TFJS_CPU), { expectFail: TFJS_CPU_EXPECT_FAIL });
describeConformance(() => createTfjsAdapter(TFJS_WASM), { expectFail: TFJS_WASM_EXPECT_FAIL });
describeConformance(() => createTfjsAdapter(TFJS_WEBGPU), { expectFail: TFJS_WEBGPU_EXPECT_FAIL });
describeConformance(() => createTfjsAdapter(TFJS_WEBGL), { expectFail: TFJS_WEBGL_EXPECT_FAIL });
describeConformance(() => createTfjsAdapter(TFJS_NODE));
