/**
 * The shared conformance suite on adapter `webgpu` (Node: Dawn in a worker thread; on CPU
 * machines through chromium's SwiftShader). Skipped, with the reason printed, when no WebGPU
 * adapter exists here; REQUIRE_ADAPTERS=webgpu turns that into a failure (CI).
 */
import { describeConformance } from '@skipconn/conformance';
import { createWebGpuAdapter } from '../src';

describeConformance(() => createWebGpuAdapter({ checkShaderKeys: true }), {
  timeout: 120_000,
  expectFail: {},
});
