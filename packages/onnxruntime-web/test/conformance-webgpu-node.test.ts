/**
 * The conformance suite on ort-web:webgpu in Node: onnxruntime-web's WebGPU EP (JSEP) on Dawn,
 * in the adapter's host process (src/node/webgpu-process.ts). Here that is SwiftShader, the
 * software Vulkan driver Debian's chromium ships; without it (or without the `webgpu` package)
 * the adapter reports itself skipped with the reason, and REQUIRE_ADAPTERS=ort-web:webgpu
 * turns that into a failure.
 *
 * Subset rule: the same JSEP kernels on the same Dawn + SwiftShader run the whole suite in
 * Chromium (packages/browser-harness/test/conformance.test.ts), and every case got the same
 * verdict in both places (measured, 659 cases). So by default this file runs the skip
 * connections and composite blocks (merge/*, block/*), a check of the Node route that takes a
 * quarter of the time; SKIPCONN_FULL_CONFORMANCE=1 runs every case (about 40 s on 2 cores).
 */
import { describeConformance } from '@skipconn/conformance';
import { ORT_WEB_WEBGPU_EXPECT_FAIL, createOrtWebGpuProcessAdapter } from '@skipconn/onnxruntime-web';

const full = process.env['SKIPCONN_FULL_CONFORMANCE'] === '1';

describeConformance(() => createOrtWebGpuProcessAdapter(), { expectFail: ORT_WEB_WEBGPU_EXPECT_FAIL, ...(full ? {} : { filter: 'merge|block' }) });
