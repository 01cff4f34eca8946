/**
 * slice: y = x[start_0 : end_0 : step_0, ..., start_{r-1} : end_{r-1} : step_{r-1}], ONNX Slice
 * (opset 13) with static bounds. Dtype and layout are kept (every axis stays, so NCHW stays NCHW).
 *
 * Attributes:
 *   starts, ends  one integer per sliced axis (required, equal lengths)
 *   axes          the sliced axes (default 0, 1, ..., len(starts) - 1); negative counts from the
 *                 end (-1 is the last axis); no axis twice
 *   steps         one non-zero integer per sliced axis (default all 1); negative steps walk
 *                 backwards (ONNX allows them, and x[::-1] is the usual use)
 * Axes not named are taken whole.
 *
 * Bounds, per sliced axis of size d, exactly as ONNX specifies:
 *   start < 0 -> start + d;  end < 0 -> end + d;  then
 *   step > 0: start and end clamped to [0, d];      taken: start, start + step, ... while < end
 *   step < 0: start clamped to [0, d - 1], end to [-1, d - 1]; taken: start, start + step, ... while > end
 * So out-of-range bounds are not errors (PyTorch's `x[:, c:]` exports end as INT64_MAX; the
 * importers clamp it to a safe integer first), and start >= end (step > 0) is an empty axis: a
 * result with a zero dimension is allowed. To walk back to index 0 with a negative step, end must
 * be below -d (-d - 1 or less), since -1 means d - 1.
 * Values are copied, never computed: NaN, infinities and -0 come out as they went in.
 */
import { GraphError, type NodeRef } from '../errors';
import { formatShape } from '../tensor';
import type { Attrs, ValueInfo } from '../graph/types';
import { defineOp } from './op';
import { readIntList, rejectUnknownAttrs } from './attrs';

export const SLICE = 'slice';

export interface SliceAttrs {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  /** Undefined: 0, 1, ..., starts.length - 1. May be negative until resolved against a rank. */
  readonly axes?: readonly number[];
  /** Undefined: all 1. */
  readonly steps?: readonly number[];
}

/** What a slice takes on every axis of its input: output index k on axis a reads start[a] + k * step[a]. */
export interface SliceWindow {
  readonly starts: readonly number[];
  readonly steps: readonly number[];
  /** The output shape. */
  readonly sizes: readonly number[];
}

function parseSliceAttrs(raw: Attrs, ref: NodeRef): SliceAttrs {
  rejectUnknownAttrs(raw, ['starts', 'ends', 'axes', 'steps'], ref);
  for (const name of ['starts', 'ends'] as const) {
    if (raw[name] === undefined) throw new GraphError('ATTRIBUTE_INVALID', ref, `attribute '${name}' is required`, { expected: 'a list of integers, one per sliced axis', received: 'nothing' });
  }
  const starts = readIntList(raw, 'starts', [], ref);
  const n = starts.length;
  const ends = readIntList(raw, 'ends', [], ref, n);
  const axes = raw['axes'] === undefined ? undefined : readIntList(raw, 'axes', [], ref, n);
  const steps = raw['steps'] === undefined ? undefined : readIntList(raw, 'steps', [], ref, n);
  const zero = steps?.indexOf(0) ?? -1;
  if (zero >= 0) {
    throw new GraphError('ATTRIBUTE_INVALID', ref, `attribute 'steps' has a zero step (entry ${zero})`, { expected: 'non-zero integers (negative steps walk backwards)', received: JSON.stringify(steps) });
  }
  return { starts, ends, axes, steps };
}

/** Clamps v to [lo, hi]. */
function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/**
 * The slice's window on an input of `shape`, by the ONNX rules above: every axis resolved (axes not
 * sliced are start 0, step 1, whole size). Throws naming the axis and the input shape when an axis
 * is out of range or named twice. Adapters read bounds from here, never from the raw attributes.
 */
export function sliceWindow(attrs: SliceAttrs, shape: readonly number[], ref: NodeRef): SliceWindow {
  const rank = shape.length;
  const starts = shape.map(() => 0);
  const steps = shape.map(() => 1);
  const sizes = [...shape];
  const seen = new Map<number, number>();
  attrs.starts.forEach((rawStart, i) => {
    const rawAxis = attrs.axes?.[i] ?? i;
    const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
    if (axis < 0 || axis >= rank) {
      throw new GraphError('SHAPE_MISMATCH', ref, `slice axis ${rawAxis} (entry ${i}) is out of range`, {
        expected: rank === 0 ? 'no sliced axes on a rank-0 x' : `axes in [${-rank}, ${rank - 1}] for x ${formatShape(shape)} (rank ${rank})`,
        received: `axis ${rawAxis}`,
      });
    }
    const earlier = seen.get(axis);
    if (earlier !== undefined) {
      throw new GraphError('ATTRIBUTE_INVALID', ref, `slice axis ${axis} is named twice (entries ${earlier} and ${i})`, {
        expected: 'each axis at most once',
        received: `axes ${JSON.stringify(attrs.axes ?? attrs.starts.map((_, k) => k))} for x ${formatShape(shape)}`,
      });
    }
    seen.set(axis, i);
    const d = shape[axis]!;
    const step = attrs.steps?.[i] ?? 1;
    const rawEnd = attrs.ends[i]!;
    const s = rawStart < 0 ? rawStart + d : rawStart;
    const e = rawEnd < 0 ? rawEnd + d : rawEnd;
    let start: number;
    let size: number;
    if (step > 0) {
      start = clamp(s, 0, d);
      size = Math.max(0, Math.ceil((clamp(e, 0, d) - start) / step));
    } else {
      start = clamp(s, 0, d - 1);
      size = d === 0 ? 0 : Math.max(0, Math.ceil((start - clamp(e, -1, d - 1)) / -step));
    }
    // An empty axis reads nothing; start 0 keeps every adapter's offsets inside the input.
    starts[axis] = size === 0 ? 0 : start;
    steps[axis] = step;
    sizes[axis] = size;
  });
  return { starts, steps, sizes };
}

/** The axes the window changes (any other axis is taken whole, in order); none means the slice is the identity. */
export function slicedAxes(window: SliceWindow, shape: readonly number[]): number[] {
  return shape.flatMap((d, a) => (window.sizes[a] === d && (d <= 1 || (window.starts[a] === 0 && window.steps[a] === 1)) ? [] : [a]));
}

/**
 * Attributes that take exactly `window` from an input of `shape`, naming only the sliced axes, with
 * every bound normalised and clamped: what an exporter writes (ONNX Slice, a Keras SkipconnOp).
 * A backward walk that reaches index 0 ends at -d - 1, since any end below -d clamps to "before 0".
 */
export function windowAsAttrs(window: SliceWindow, shape: readonly number[]): Required<SliceAttrs> {
  const axes = slicedAxes(window, shape);
  const starts: number[] = [];
  const ends: number[] = [];
  const steps: number[] = [];
  for (const a of axes) {
    const [start, step, size] = [window.starts[a]!, window.steps[a]!, window.sizes[a]!];
    const last = start + (size - 1) * step;
    starts.push(size === 0 ? 0 : start);
    ends.push(size === 0 ? 0 : step > 0 ? last + 1 : last === 0 ? -shape[a]! - 1 : last - 1);
    steps.push(size === 0 ? 1 : step);
  }
  return { starts, ends, axes, steps };
}

export const slice = defineOp<SliceAttrs, typeof SLICE>({
  type: SLICE,
  category: 'shape',
  summary: 'y = x[start:end:step] on the named axes (ONNX Slice: negative bounds count from the end, bounds clamp, steps may be negative)',
  inputNames: ['x'],
  minInputs: 1,
  maxInputs: 1,
  parseAttrs: parseSliceAttrs,
  inferShape(inputs, attrs, ref) {
    const x = inputs[0]!;
    const { sizes } = sliceWindow(attrs, x.shape, ref);
    return [{ dtype: x.dtype, shape: [...sizes], layout: x.layout } satisfies ValueInfo];
  },
});
