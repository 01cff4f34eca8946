/**
 * @skipconn/tfjs: skipconn graphs on TensorFlow.js. Importing it registers the adapters
 * tfjs:node, tfjs:webgpu, tfjs:webgl, tfjs:wasm and tfjs:cpu with @skipconn/core's registry and
 * loads nothing else: each adapter imports tfjs (a peer dependency) in its init().
 */
import { registerAdapter } from '@skipconn/core';
import { createTfjsAdapter } from './adapter';
import { TFJS_BACKENDS } from './backends';
import { TFJS_CPU_EXPECT_FAIL, TFJS_WASM_EXPECT_FAIL, TFJS_WEBGL_EXPECT_FAIL, TFJS_WEBGPU_EXPECT_FAIL } from './expect-fail';

export { createTfjsAdapter, tfjsWhyUnsupported } from './adapter';
export type { TfjsAdapter, TfjsBackendSpec } from './adapter';
export { TFJS_BACKENDS, TFJS_CPU, TFJS_WASM, TFJS_WEBGPU, TFJS_WEBGL, TFJS_NODE, TFJS_NODE_PACKAGES } from './backends';
export { compileTfjs, onBackend, TFJS_DTYPES } from './compile';
export { gradientFlow, withGradientProbes, cutResidualShortcuts } from './gradient-flow';
export type { GradientFlow, MergeGradient } from './gradient-flow';
export type { TfjsCompiledGraph, TfRuntime } from './compile';
export { planLayouts, countRuntimeTransposes, conversionSteps, channelsLastPerm } from './plan/layout';
export type { LayoutPlan, PlannedNode, PlannedNodeOf, Conversion, ConvertStep, View } from './plan/layout';
export { CHANNELS_LAST } from './plan/perm';
export type { Perm } from './plan/perm';
export { TFJS_KERNELS, TFJS_OPS, tfjsKernel } from './kernels';
export type { TfKernelConfig, AnyTfKernel, KernelContext, CompiledKernel, Placement, InputRole, LayoutPolicy } from './kernels';

/**
 * Priorities: native first, then GPU, then wasm, then cpu (resolveAdapter picks the highest
 * available). All below the reference adapter's 100, which is the oracle, not a fast path.
 */
const PRIORITY: Record<string, number> = { 'tfjs:node': 40, 'tfjs:webgpu': 35, 'tfjs:webgl': 30, 'tfjs:wasm': 25, 'tfjs:cpu': 20 };

for (const spec of TFJS_BACKENDS) registerAdapter(spec.name, () => createTfjsAdapter(spec), PRIORITY[spec.name] ?? 0, spec.description);
export * from './layers-model';
export * from './graph-model';
export { TFJS_CPU_EXPECT_FAIL, TFJS_WASM_EXPECT_FAIL, TFJS_WEBGL_EXPECT_FAIL, TFJS_WEBGPU_EXPECT_FAIL } from './expect-fail';

/** Expect-fail lists by adapter name, for `skipconn conformance` (see ../../cli/src/adapters.ts). */
export const conformanceExpectFail = {
  'tfjs:cpu': TFJS_CPU_EXPECT_FAIL,
  'tfjs:wasm': TFJS_WASM_EXPECT_FAIL,
  'tfjs:webgl': TFJS_WEBGL_EXPECT_FAIL,
  'tfjs:webgpu': TFJS_WEBGPU_EXPECT_FAIL,
};
