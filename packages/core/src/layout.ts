/**
 * Layouts name the axes of image and sequence values, so that ops and merges speak of
 * "channels" and "spatial" instead of raw integers. A value without a layout has no
 * semantic axes; only integer axes apply to it.
 */

export type Layout = 'NCHW' | 'NHWC' | 'NC' | 'NTC';

export const LAYOUTS: readonly Layout[] = ['NCHW', 'NHWC', 'NC', 'NTC'];

/** Semantic axis names used in attributes (gate broadcast axes, softmax axis, ...). */
export type AxisName = 'batch' | 'channels' | 'spatial' | 'tokens';

export interface LayoutAxes {
  readonly rank: number;
  readonly batch: number;
  readonly channels: number;
  /** Height then width for image layouts; empty otherwise. */
  readonly spatial: readonly number[];
  /** The token axis of NTC; undefined otherwise. */
  readonly tokens?: number;
}

const AXES: Record<Layout, LayoutAxes> = {
  NCHW: { rank: 4, batch: 0, channels: 1, spatial: [2, 3] },
  NHWC: { rank: 4, batch: 0, channels: 3, spatial: [1, 2] },
  NC: { rank: 2, batch: 0, channels: 1, spatial: [] },
  NTC: { rank: 3, batch: 0, channels: 2, spatial: [], tokens: 1 },
};

export function isLayout(value: unknown): value is Layout {
  return typeof value === 'string' && (LAYOUTS as readonly string[]).includes(value);
}

export function layoutAxes(layout: Layout): LayoutAxes {
  return AXES[layout];
}

export function channelAxis(layout: Layout): number {
  return AXES[layout].channels;
}

/** Integer axes named by a semantic axis name in a layout ([] when the layout lacks it). */
export function resolveAxisName(layout: Layout, name: AxisName): number[] {
  const a = AXES[layout];
  switch (name) {
    case 'batch':
      return [a.batch];
    case 'channels':
      return [a.channels];
    case 'spatial':
      return [...a.spatial];
    case 'tokens':
      return a.tokens === undefined ? [] : [a.tokens];
  }
}

/** Permutation that turns a tensor in layout `from` into layout `to` (same rank only). */
export function layoutPermutation(from: Layout, to: Layout): number[] {
  if (from === to) return [...Array(AXES[from].rank).keys()];
  if (from === 'NCHW' && to === 'NHWC') return [0, 2, 3, 1];
  if (from === 'NHWC' && to === 'NCHW') return [0, 3, 1, 2];
  throw new RangeError(`no permutation from layout ${from} to ${to}`);
}
