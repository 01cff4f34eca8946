/**
 * The whole conformance suite on the tfjs adapters. tfjs:cpu and tfjs:wasm run here; tfjs:webgpu
 * (no navigator.gpu), tfjs:webgl (browser only) and tfjs:node (tfjs-node cannot install here)
 * report themselves skipped with their reasons, or fail where REQUIRE_ADAPTERS names them.
 */
import './helpers';
import { describeConformance } from '@skipconn/conformance';
import { createTfjsAdapter, TFJS_CPU, TFJS_NODE, TFJS_WASM, TFJS_WEBGL, TFJS_WEBGPU } from '../src';
import { EXPECT_FAIL_CPU, EXPECT_FAIL_WASM } from './expect-fail';

describeConformance(() => createTfjsAdapter(TFJS_CPU), { expectFail: EXPECT_FAIL_CPU });
describeConformance(() => createTfjsAdapter(TFJS_WASM), { expectFail: EXPECT_FAIL_WASM });
describeConformance(() => createTfjsAdapter(TFJS_WEBGPU));
describeConformance(() => createTfjsAdapter(TFJS_WEBGL));
describeConformance(() => createTfjsAdapter(TFJS_NODE));
