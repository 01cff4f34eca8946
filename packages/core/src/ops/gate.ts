/**
 * gate (multiplicative skip): y = x * g, where g broadcasts only over the axes the node declares.
 * Squeeze-and-excitation in NCHW: g is [N, C, 1, 1], broadcast ['spatial']. Any other
 * broadcast (a g of [1, C, 1, 1] without 'batch', or [N, 1, H, W] without 'channels') is an error,
 * because silently broadcasting the wrong axis is the classic layout bug when porting.
 * Axes are semantic names resolved by x's layout; x must have a layout when any are declared.
 */
import { GraphError } from '../errors';
import { formatShape } from '../tensor';
import { resolveAxisName, type AxisName } from '../layout';
import type { ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { requireFloat, requireLayout, requireSameDType } from './shape';

export const GATE = 'gate';

export interface GateAttrs {
  readonly broadcast: readonly AxisName[];
}

const AXIS_NAMES: readonly AxisName[] = ['batch', 'channels', 'spatial', 'tokens'];

export const gate = defineOp<GateAttrs, typeof GATE>({
  type: GATE,
  category: 'merge',
  summary: 'y = x * g, g broadcast only over declared semantic axes (SE: spatial)',
  inputNames: ['x', 'g'],
  minInputs: 2,
  maxInputs: 2,
  parseAttrs(raw, ref) {
    for (const key of Object.keys(raw)) {
      if (key !== 'broadcast') {
        throw new GraphError('ATTRIBUTE_INVALID', ref, `unknown attribute '${key}'`, { expected: 'broadcast', received: key });
      }
    }
    const v = raw['broadcast'] ?? [];
    if (!Array.isArray(v) || !v.every((a) => (AXIS_NAMES as readonly unknown[]).includes(a)) || new Set(v).size !== v.length) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'broadcast' is invalid", {
        expected: `a list of distinct axis names from ${AXIS_NAMES.join(', ')}`,
        received: JSON.stringify(v),
      });
    }
    return { broadcast: v as AxisName[] };
  },
  inferShape(inputs, attrs, ref) {
    const [x, g] = inputs as [ValueInfo, ValueInfo];
    requireFloat(x, 'x', ref);
    requireSameDType(inputs, ref);
    const broadcastAxes = new Set<number>();
    if (attrs.broadcast.length > 0) {
      const layout = requireLayout(x, 'x', ref);
      for (const name of attrs.broadcast) {
        const axes = resolveAxisName(layout, name);
        if (axes.length === 0) {
          throw new GraphError('ATTRIBUTE_INVALID', ref, `layout ${layout} has no '${name}' axis`, {
            expected: 'axis names that exist in the layout',
            received: name,
          });
        }
        axes.forEach((a) => broadcastAxes.add(a));
      }
    }
    const want = x.shape.map((d, i) => (broadcastAxes.has(i) ? 1 : d));
    const ok = g.shape.length === x.shape.length && g.shape.every((d, i) => d === want[i] || (broadcastAxes.has(i) && d === x.shape[i]));
    if (!ok) {
      throw new GraphError('SHAPE_MISMATCH', ref, 'gate shape broadcasts over undeclared axes', {
        expected: `g ${formatShape(want)} for x ${formatShape(x.shape)}${x.layout ? ` (${x.layout})` : ''} with broadcast [${attrs.broadcast.join(', ')}]`,
        received: `g ${formatShape(g.shape)}`,
        hint: 'Declare every axis g is broadcast over, or reshape g; layout bugs often show up here',
      });
    }
    return [{ dtype: x.dtype, shape: [...x.shape], layout: x.layout }];
  },
});
