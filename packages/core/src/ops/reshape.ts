/**
 * reshape: the same elements in the same row-major order, under a new shape.
 *
 * Attrs: shape, a list of integers: at most one -1 (inferred from the element count), every
 * other entry >= 0. 0 means a zero-size dimension, NOT ONNX's "copy this dim from the input":
 * importers resolve ONNX's copy semantics into concrete sizes, so the IR shape is what you read.
 * layout (optional) declares the output's layout; it must fit the rank. Without it the output
 * has none, because a reshape can move any element to any axis and no layout survives in general.
 * The element count must match x's (the error names both shapes).
 */
import { GraphError, type NodeRef } from '../errors';
import { formatShape, sizeOf } from '../tensor';
import { LAYOUTS, layoutAxes, type Layout } from '../layout';
import type { Attrs, ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { readEnum, readIntList, rejectUnknownAttrs } from './attrs';

export const RESHAPE = 'reshape';

export interface ReshapeAttrs {
  /** As written: may hold one -1, resolved by inferShape. */
  readonly shape: readonly number[];
  readonly layout?: Layout;
}

/** Reads an optional 'layout' attribute that declares an output layout of `rank` (reshape, transpose). */
export function readDeclaredLayout(raw: Attrs, ref: NodeRef): Layout | undefined {
  return raw['layout'] === undefined ? undefined : readEnum(raw, 'layout', LAYOUTS, 'NC', ref);
}

/** Throws unless a declared layout fits the output rank. */
export function checkDeclaredLayout(layout: Layout | undefined, shape: readonly number[], ref: NodeRef): void {
  if (layout !== undefined && layoutAxes(layout).rank !== shape.length) {
    throw new GraphError('ATTRIBUTE_INVALID', ref, `declared layout ${layout} does not fit the output`, {
      expected: `an output of rank ${layoutAxes(layout).rank} for layout ${layout}`,
      received: `output ${formatShape(shape)} (rank ${shape.length})`,
    });
  }
}

export const reshape = defineOp<ReshapeAttrs, typeof RESHAPE>({
  type: RESHAPE,
  category: 'shape',
  summary: 'y = x with a new shape (same row-major order); one -1 is inferred, 0 is a zero-size dim',
  inputNames: ['x'],
  minInputs: 1,
  maxInputs: 1,
  parseAttrs(raw, ref) {
    rejectUnknownAttrs(raw, ['shape', 'layout'], ref);
    if (raw['shape'] === undefined) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'shape' is missing", { expected: 'a list of integers (at most one -1)', received: 'nothing' });
    }
    const shape = readIntList(raw, 'shape', [], ref, undefined, -1);
    if (shape.filter((d) => d === -1).length > 1) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, "attribute 'shape' is invalid", { expected: 'at most one -1', received: JSON.stringify(shape) });
    }
    return { shape, layout: readDeclaredLayout(raw, ref) };
  },
  inferShape(inputs, attrs, ref) {
    const x = inputs[0]!;
    const total = sizeOf(x.shape);
    const known = sizeOf(attrs.shape.filter((d) => d !== -1));
    const mismatch = (why: string): never => {
      throw new GraphError('SHAPE_MISMATCH', ref, why, {
        expected: `a shape with ${total} elements (x ${formatShape(x.shape)})`,
        received: `shape ${formatShape(attrs.shape)} for x ${formatShape(x.shape)}`,
      });
    };
    let shape = [...attrs.shape];
    if (shape.includes(-1)) {
      // With a 0 among the other dims any size fits -1, so it cannot be inferred.
      if (known === 0) mismatch('cannot infer -1 next to a zero-size dimension');
      if (total % known !== 0) mismatch('element counts differ');
      shape = shape.map((d) => (d === -1 ? total / known : d));
    } else if (known !== total) {
      mismatch('element counts differ');
    }
    checkDeclaredLayout(attrs.layout, shape, ref);
    return [{ dtype: x.dtype, shape, layout: attrs.layout } satisfies ValueInfo];
  },
});
