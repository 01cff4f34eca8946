/**
 * The one tolerance policy. An element passes when
 *
 *   |got - want| <= atol + rtol * |want|          (want finite)
 *
 * with (atol, rtol) declared once per dtype below and widened for deep graphs by
 * depthFactor(). want is the float64 golden (or a hand-checked literal); got is what the adapter
 * returned, in the output's dtype.
 *
 * Special values: a NaN want needs a NaN got (any payload); an Infinity want needs the same-signed
 * Infinity; a finite want never accepts NaN or Infinity. Signed zeros compare equal (-0 == 0):
 * runtimes legitimately differ in the sign of an exact-zero result (fused multiply-add, x*0 vs 0,
 * relu written as max(x, 0) or x > 0 ? x : 0), and no skip architecture depends on it. Where the
 * sign matters downstream (1 / -0) a case tests the downstream value instead.
 */
import { isFloatDType, stridesOf, type DType } from '@skipconn/core';

export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/**
 * Per output dtype.
 * float32: rtol 1e-5 is about 84 ulps (eps 2^-23 = 1.19e-7): room for a different summation order
 *   over a few hundred products (error grows like sqrt(n) ulps) and for approximated exp, tanh and
 *   erf (a few ulps each), yet a wrong padding, stride, axis or layout moves values by O(1e-2) or
 *   more and fails. atol 1e-5 is the same 84 ulps measured at 1.0: it covers cancellation in sums
 *   whose result is near zero while their terms are O(1) (weights are scaled by 1/sqrt(fan-in), so
 *   terms stay O(1)).
 * float16: eps is 2^-10 = 9.8e-4, so one rounding alone is 4.9e-4 relative; 5e-3 allows about
 *   ten ulps, for float32 accumulation followed by a float16 store and a float16 activation.
 * float64: for a float64 adapter checked against float64 goldens; 1e-12 leaves room for
 *   reordered sums, nothing more.
 * Integer outputs must match exactly.
 */
export const TOLERANCES: Readonly<Record<DType, Tolerance>> = {
  float32: { atol: 1e-5, rtol: 1e-5 },
  float16: { atol: 5e-3, rtol: 5e-3 },
  float64: { atol: 1e-12, rtol: 1e-12 },
  int32: { atol: 0, rtol: 0 },
  int64: { atol: 0, rtol: 0 },
  uint8: { atol: 0, rtol: 0 },
  bool: { atol: 0, rtol: 0 },
};

/**
 * Widening with depth: rounding errors of independent ops add up like a random walk, so the
 * tolerance grows with the square root of the number of nodes on the longest input-to-output path
 * (1 for a single op, so op and merge cases get the dtype's tolerance unchanged; 2.4 for a
 * ResNet basic block, 4.1 for a transformer block, 8.9 for the 80-node path of the 20-block
 * residual stack). Weights are not counted: a path starts at a graph input or a weight.
 */
export function depthFactor(longestPath: number): number {
  return Math.sqrt(Math.max(1, longestPath));
}

/** The tolerance for an output dtype at a given longest path length. */
export function toleranceFor(dtype: DType, longestPath: number): Tolerance {
  const base = TOLERANCES[dtype];
  if (!isFloatDType(dtype)) return base;
  const f = depthFactor(longestPath);
  return { atol: base.atol * f, rtol: base.rtol * f };
}

/** Multi-dimensional index of a flat row-major index. */
export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const strides = stridesOf(shape);
  let rem = flat;
  return strides.map((s) => {
    const i = Math.floor(rem / s);
    rem -= i * s;
    return i;
  });
}

export interface Comparison {
  readonly pass: boolean;
  /** Elements out of tolerance. */
  readonly mismatches: number;
  readonly size: number;
  /** Max |got - want| over finite pairs; Infinity when a special value did not match. 0 when empty. */
  readonly maxAbsError: number;
  /** Max |got - want| / |want| over finite pairs with want != 0; Infinity when a special value did not match. */
  readonly maxRelError: number;
  /** Max |got - want| / (atol + rtol*|want|); < 1 passes; Infinity for a special-value mismatch or atol = rtol = 0. */
  readonly errorRatio: number;
  /** Flat and multi-dimensional index of the worst element (largest ratio; the first on ties); -1 when empty. */
  readonly worstFlat: number;
  readonly worstIndex: readonly number[];
  readonly got: number;
  readonly want: number;
}

/** Compares got against want (same length, row-major in `shape`) under a tolerance. */
export function compareValues(got: ArrayLike<number>, want: ArrayLike<number>, shape: readonly number[], tol: Tolerance): Comparison {
  let mismatches = 0;
  let maxAbs = 0;
  let maxRel = 0;
  let worstRatio = -1;
  let worst = -1;
  const n = want.length;
  for (let i = 0; i < n; i++) {
    const g = got[i]!;
    const w = want[i]!;
    let ratio: number;
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      // NaN needs NaN, Infinity the same-signed Infinity; a finite want accepts neither.
      const ok = Number.isNaN(w) ? Number.isNaN(g) : g === w;
      ratio = ok ? 0 : Infinity;
      if (!ok) {
        mismatches++;
        maxAbs = Infinity;
        maxRel = Infinity;
      }
    } else {
      const d = Math.abs(g - w);
      maxAbs = Math.max(maxAbs, d);
      if (w !== 0) maxRel = Math.max(maxRel, d / Math.abs(w));
      const allowed = tol.atol + tol.rtol * Math.abs(w);
      ratio = d === 0 ? 0 : allowed === 0 ? Infinity : d / allowed;
      if (d > allowed) mismatches++;
    }
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  return {
    pass: mismatches === 0,
    mismatches,
    size: n,
    maxAbsError: maxAbs,
    maxRelError: maxRel,
    errorRatio: Math.max(0, worstRatio),
    worstFlat: worst,
    worstIndex: worst < 0 ? [] : unravelIndex(worst, shape),
    got: worst < 0 ? NaN : got[worst]!,
    want: worst < 0 ? NaN : want[worst]!,
  };
}

/** "[0,2,1,3]" */
export function formatIndex(index: readonly number[]): string {
  return `[${index.join(',')}]`;
}

/** A short number for messages: 6 significant digits, specials by name. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  if (Object.is(v, -0)) return '-0';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-4 && a < 1e6 ? String(Number(v.toPrecision(6))) : v.toExponential(3);
}
