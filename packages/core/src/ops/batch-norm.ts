/**
 * batchNorm (inference): y = scale * (x - mean) / sqrt(variance + epsilon) + bias,
 * per channel on the channel axis of x's layout (NCHW, NHWC, NC or NTC).
 *
 * Inputs: x, then scale, bias, mean, variance, each [C] (ONNX BatchNormalization order).
 * Attrs: epsilon (default 1e-5, PyTorch's and ONNX's default), finite and >= 0.
 * The layout decides the axis, so the same node is correct on NCHW and NHWC data; that is the
 * point of carrying layouts instead of an integer axis. Training statistics are outside the IR.
 * variance + epsilon = 0 gives +-Infinity or NaN, as in every runtime.
 */
import { GraphError, type NodeRef } from '../errors';
import { formatShape } from '../tensor';
import { channelAxis, layoutAxes } from '../layout';
import type { Attrs, ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { readNumber, rejectUnknownAttrs } from './attrs';
import { requireFloat, requireLayout, requireRank, requireSameDType } from './shape';

export const BATCH_NORM = 'batchNorm';

export interface BatchNormAttrs {
  readonly epsilon: number;
}

/** Reads a normalization epsilon: a finite number >= 0 (shared with layerNorm). */
export function readEpsilon(raw: Attrs, ref: NodeRef): number {
  const eps = readNumber(raw, 'epsilon', 1e-5, ref);
  if (!Number.isFinite(eps) || eps < 0) {
    throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'epsilon' is invalid", { expected: 'a finite number >= 0', received: String(eps) });
  }
  return eps;
}

const PARAMS = ['scale', 'bias', 'mean', 'variance'] as const;

export const batchNorm = defineOp<BatchNormAttrs, typeof BATCH_NORM>({
  type: BATCH_NORM,
  category: 'norm',
  summary: 'y = scale * (x - mean) / sqrt(var + eps) + bias on the channel axis (inference)',
  inputNames: ['x', ...PARAMS],
  minInputs: 5,
  maxInputs: 5,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['epsilon'], ref);
    return { epsilon: readEpsilon(raw, ref) };
  },
  inferShape(inputs, _attrs, ref) {
    const x = inputs[0]!;
    requireFloat(x, 'x', ref);
    requireSameDType(inputs, ref);
    const layout = requireLayout(x, 'x', ref);
    requireRank(x, layoutAxes(layout).rank, `x (layout ${layout})`, ref);
    const channels = x.shape[channelAxis(layout)]!;
    PARAMS.forEach((name, i) => {
      const p = inputs[i + 1]!;
      if (p.shape.length !== 1 || p.shape[0] !== channels) {
        throw new GraphError('SHAPE_MISMATCH', ref, `${name} has the wrong shape`, {
          expected: `${name} [${channels}] (channels of x ${formatShape(x.shape)}, layout ${layout})`,
          received: `${name} ${formatShape(p.shape)}`,
        });
      }
    });
    return [{ dtype: x.dtype, shape: [...x.shape], layout } satisfies ValueInfo];
  },
});
