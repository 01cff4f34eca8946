/**
 * Permutations between a value's logical axes (its shape in the IR) and its physical axes (the
 * tfjs tensor that holds it): physical axis i holds logical axis perm[i], so the physical tensor is
 * transpose(logical, perm). NCHW values stored channels-last have perm [0, 2, 3, 1].
 */

export type Perm = readonly number[];

/** NCHW logical stored as NHWC physical. */
export const CHANNELS_LAST: Perm = [0, 2, 3, 1];

export function identityPerm(rank: number): Perm {
  return Array.from({ length: rank }, (_, i) => i);
}

export function isIdentity(perm: Perm): boolean {
  return perm.every((a, i) => a === i);
}

export function permEquals(a: Perm, b: Perm): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The physical shape of a value with logical `shape` stored under `perm`. */
export function physicalShape(shape: readonly number[], perm: Perm): number[] {
  return perm.map((a) => shape[a]!);
}

/** The physical axis that holds logical axis `axis`. */
export function physicalAxis(perm: Perm, axis: number): number {
  return perm.indexOf(axis);
}

/**
 * The transpose that turns a tensor stored under `from` into the same logical value stored
 * under `to`: physical axis i of the result is physical axis result[i] of the source.
 */
export function relativePerm(from: Perm, to: Perm): number[] {
  return to.map((a) => from.indexOf(a));
}

/**
 * True when transposing a tensor of physical `shape` by `perm` keeps its elements in row-major
 * order (only size-1 axes move, or there are no elements), so a reshape, which copies nothing,
 * does the same job. (wasm's Transpose also fails on empty tensors.)
 */
export function transposeIsReshape(shape: readonly number[], perm: Perm): boolean {
  if (shape.includes(0)) return true;
  let last = -1;
  for (const a of perm) {
    if (shape[a] === 1) continue;
    if (a < last) return false;
    last = a;
  }
  return true;
}
