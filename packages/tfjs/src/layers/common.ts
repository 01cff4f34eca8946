/** Shared pieces of the skip layers: shape helpers and config checks that name the layer. */
import { SkipconnError } from '@skipconn/core';
import type { Shape } from '@tensorflow/tfjs-layers';

/** A layer's input shapes as a list, whatever form tfjs-layers hands over. */
export function shapeList(inputShape: Shape | Shape[]): Shape[] {
  return Array.isArray(inputShape[0]) || inputShape.length === 0 ? (inputShape as Shape[]) : [inputShape as Shape];
}

/** Normalizes a possibly negative axis against a rank (batch axis included). */
export function resolveAxis(axis: number, rank: number, layer: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 1 || a >= rank) {
    throw new SkipconnError('ATTRIBUTE_INVALID', `layer '${layer}': axis ${axis} is out of range: expected a non-batch axis of rank ${rank}, in [${1 - rank}, -1] or [1, ${rank - 1}]`);
  }
  return a;
}

export function fail(layer: string, problem: string, expected: string, received: string): never {
  throw new SkipconnError('SHAPE_MISMATCH', `layer '${layer}': ${problem}: expected ${expected}, received ${received}`);
}

export function formatDims(shape: Shape): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(',')}]`;
}
