/** Tolerance checks for tests: |got - want| <= atol + rtol * |want|, NaN matching NaN. */
import { toFloat64, type HostTensor } from '@skipconn/core';

export interface Diff {
  readonly maxAbs: number;
  readonly worst: number;
  readonly ok: boolean;
}

export function diff(got: HostTensor, want: HostTensor, atol: number, rtol: number): Diff {
  if (got.shape.join() !== want.shape.join()) throw new Error(`shape [${got.shape.join(',')}] != expected [${want.shape.join(',')}]`);
  const g = toFloat64(got);
  const w = toFloat64(want);
  let maxAbs = 0;
  let worst = -1;
  let ok = true;
  for (let i = 0; i < w.length; i++) {
    const a = g[i]!;
    const b = w[i]!;
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (a === b) continue;
    const e = Number.isNaN(a) || Number.isNaN(b) ? Infinity : Math.abs(a - b);
    if (!(e <= atol + rtol * Math.abs(b))) ok = false;
    if (!(e <= maxAbs)) {
      maxAbs = e;
      worst = i;
    }
  }
  return { maxAbs, worst, ok };
}

export function expectClose(got: HostTensor | undefined, want: HostTensor | undefined, atol: number, rtol: number, what: string): number {
  if (got === undefined || want === undefined) throw new Error(`${what}: missing tensor (got ${got !== undefined}, want ${want !== undefined})`);
  const d = diff(got, want, atol, rtol);
  if (!d.ok) throw new Error(`${what}: max abs error ${d.maxAbs} at index ${d.worst} exceeds atol ${atol} + rtol ${rtol}`);
  return d.maxAbs;
}
