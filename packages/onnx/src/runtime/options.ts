/**
 * Session options every ort adapter takes: adapter defaults overridden per compile() call, checked
 * before anything is exported. Each adapter adds and checks its own on top.
 */
import { SkipconnError, type CompileOptions } from '@skipconn/core';

export const GRAPH_OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export type GraphOptimizationLevel = (typeof GRAPH_OPTIMIZATION_LEVELS)[number];

export interface OrtCommonSessionOptions {
  /** onnxruntime graph optimizations (default 'all'). */
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
  /** ONNX opset to export with (default 17). */
  readonly opset?: number;
  /**
   * Initializers larger than this in total go to onnxruntime as in-memory external data instead
   * of inside the protobuf, which cannot pass 2 GiB (default DEFAULT_MAX_INLINE_INITIALIZER_BYTES,
   * 2 GiB less 64 MiB for the graph).
   */
  readonly maxInlineInitializerBytes?: number;
}

/** `defaults` overridden by `options`, with graphOptimizationLevel checked. */
export function mergeSessionOptions(defaults: object, options: CompileOptions | undefined): Record<string, unknown> {
  const merged = { ...defaults, ...(options ?? {}) } as Record<string, unknown>;
  const level = merged['graphOptimizationLevel'];
  if (level !== undefined && !(GRAPH_OPTIMIZATION_LEVELS as readonly unknown[]).includes(level)) {
    throw new SkipconnError('USAGE', `graphOptimizationLevel: expected one of ${GRAPH_OPTIMIZATION_LEVELS.join(', ')}, received ${JSON.stringify(level)}`);
  }
  return merged;
}

/** Throws unless `merged[key]` is absent or an integer (a non-negative one when `nonNegative`). */
export function checkIntegerOption(merged: Readonly<Record<string, unknown>>, key: string, nonNegative: boolean): void {
  const v = merged[key];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || (nonNegative && v < 0)) {
    throw new SkipconnError('USAGE', `${key}: expected ${nonNegative ? 'a non-negative integer' : 'an integer'}, received ${JSON.stringify(v)}`);
  }
}
