/** Logical-to-physical axis helpers shared by the kernels that remap semantic axes. */
import { channelAxis, layoutAxes, type ValueInfo } from '@skipconn/core';
import { physicalAxis, type Perm } from '../../plan/perm';

/** The physical axis holding the channels of a value with a layout, stored under `perm`. */
export function physicalChannelAxis(info: ValueInfo, perm: Perm): number {
  return physicalAxis(perm, channelAxis(info.layout!));
}

/** The physical axes holding H and W of an image value stored under `perm`. */
export function physicalSpatialAxes(info: ValueInfo, perm: Perm): [number, number] {
  const [h, w] = layoutAxes(info.layout!).spatial;
  return [physicalAxis(perm, h!), physicalAxis(perm, w!)];
}

/** A shape of `rank` ones with `size` at `axis`: a [C] vector placed on one axis for broadcasting. */
export function alongAxis(rank: number, axis: number, size: number): number[] {
  const shape = new Array<number>(rank).fill(1);
  shape[axis] = size;
  return shape;
}

/** Logical [H, W] of an image value (the core's rule). */
export { spatialSize as spatialSizeOf } from '@skipconn/core';
