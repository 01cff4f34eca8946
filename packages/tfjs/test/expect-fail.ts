/**
 * Conformance cases expected to fail on each tfjs backend, each with its reason. Keep them short:
 * an expect-fail case that starts passing fails the run, so these lists only shrink.
 */
import type { ExpectFailMap } from '@skipconn/conformance';

/** Failures shared by every tfjs backend (they come from tfjs-core or from float32 itself). */
const TFJS_COMMON: ExpectFailMap = {};

export const EXPECT_FAIL_CPU: ExpectFailMap = { ...TFJS_COMMON };

export const EXPECT_FAIL_WASM: ExpectFailMap = { ...TFJS_COMMON };
