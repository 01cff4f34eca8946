/**
 * The float64 matrix product behind conv2d, dense and matmul in the reference evaluator.
 *
 * Exactness first: every output is accumulated exactly as the obvious loop
 * `let sum = init; for (k = 0; k < K; k++) sum += a[i][k] * b[k][j]` would, in the same order of
 * k, with no fused multiply-add (JavaScript has none) and nothing reassociated. Blocking only
 * changes which outputs are in flight together, never the order of one output's additions, so
 * the fast kernels give bit-for-bit the numbers of the direct loops they replace (NaN, Infinity
 * and the sign of zero included).
 *
 * Speed: both operands are first packed into panels of PANEL lines (rows of A, columns of B)
 * interleaved along k, so the micro-kernel reads two contiguous streams and keeps a PANEL x PANEL
 * block of sums in local variables: 32 flops per 8 loads instead of the direct loop's 2 per 2.
 * Lines past the matrix edge are packed as zeros; their sums are computed and never stored.
 */

/** Lines per packed panel, and the micro-kernel's block is PANEL x PANEL outputs. */
export const PANEL = 4;

/** Length of a packed buffer for `lines` lines of length `k`. */
export function packedLength(lines: number, k: number): number {
  return Math.ceil(lines / PANEL) * PANEL * k;
}

/**
 * Packs `lines` lines of length `k`, element (line, kk) read from src[offset + line*lineStride +
 * kk*kStride], into panels: panel p holds lines p*PANEL .. p*PANEL+3 as dst[(p*k + kk)*PANEL + r].
 * Rows of A are lines with kStride 1 (row-major), columns of B are lines with lineStride 1.
 */
export function packLines(
  src: Float64Array, offset: number, lines: number, k: number, lineStride: number, kStride: number,
  dst: Float64Array = new Float64Array(packedLength(lines, k)),
): Float64Array {
  const panels = Math.ceil(lines / PANEL);
  for (let p = 0; p < panels; p++) {
    const base = p * k * PANEL;
    for (let r = 0; r < PANEL; r++) {
      const line = p * PANEL + r;
      if (line >= lines) {
        for (let kk = 0; kk < k; kk++) dst[base + kk * PANEL + r] = 0;
        continue;
      }
      let s = offset + line * lineStride;
      for (let kk = 0; kk < k; kk++, s += kStride) dst[base + kk * PANEL + r] = src[s]!;
    }
  }
  return dst;
}

/** Where the product goes: C[i][j] is written to out[offset + i*rowStride + j*colStride]. */
export interface GemmTarget {
  readonly out: Float64Array;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/**
 * C = init + A B for an m x k packed A (packLines of its rows) and a k x n packed B (packLines
 * of its columns). `init` is the sum's starting value: -0 where an empty or all-(-0) sum must
 * stay -0 (conv2d), 0 where the direct loop starts at 0 (dense, matmul).
 */
export function gemmPacked(m: number, n: number, k: number, a: Float64Array, b: Float64Array, init: number, target: GemmTarget): void {
  const { out, offset, rowStride, colStride } = target;
  const rowPanels = Math.ceil(m / PANEL);
  const colPanels = Math.ceil(n / PANEL);
  const panelSize = k * PANEL;
  // Column panels outside: one panel of B (k * 4 values) stays in L1 while every row panel of A
  // streams past it.
  for (let jp = 0; jp < colPanels; jp++) {
    const j0 = jp * PANEL;
    const jn = Math.min(PANEL, n - j0);
    const bBase = jp * panelSize;
    for (let ip = 0; ip < rowPanels; ip++) {
      const i0 = ip * PANEL;
      const im = Math.min(PANEL, m - i0);
      let pa = ip * panelSize;
      let pb = bBase;
      let c00 = init, c01 = init, c02 = init, c03 = init;
      let c10 = init, c11 = init, c12 = init, c13 = init;
      let c20 = init, c21 = init, c22 = init, c23 = init;
      let c30 = init, c31 = init, c32 = init, c33 = init;
      for (let kk = 0; kk < k; kk++, pa += PANEL, pb += PANEL) {
        const a0 = a[pa]!, a1 = a[pa + 1]!, a2 = a[pa + 2]!, a3 = a[pa + 3]!;
        const b0 = b[pb]!, b1 = b[pb + 1]!, b2 = b[pb + 2]!, b3 = b[pb + 3]!;
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const o0 = offset + i0 * rowStride + j0 * colStride;
      if (im === PANEL && jn === PANEL) {
        const o1 = o0 + rowStride, o2 = o1 + rowStride, o3 = o2 + rowStride;
        const s1 = colStride, s2 = 2 * colStride, s3 = 3 * colStride;
        out[o0] = c00; out[o0 + s1] = c01; out[o0 + s2] = c02; out[o0 + s3] = c03;
        out[o1] = c10; out[o1 + s1] = c11; out[o1 + s2] = c12; out[o1 + s3] = c13;
        out[o2] = c20; out[o2 + s1] = c21; out[o2 + s2] = c22; out[o2 + s3] = c23;
        out[o3] = c30; out[o3 + s1] = c31; out[o3 + s2] = c32; out[o3 + s3] = c33;
      } else {
        // An edge block: store only the rows and columns inside the matrix.
        const block = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let r = 0; r < im; r++) for (let c = 0; c < jn; c++) out[o0 + r * rowStride + c * colStride] = block[r * PANEL + c]!;
      }
    }
  }
}
