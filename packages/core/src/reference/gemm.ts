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
 * The micro-kernel is written for PANEL = 4.
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
export function packLines(src: Float64Array, offset: number, lines: number, k: number, lineStride: number, kStride: number, dst: Float64Array = new Float64Array(packedLength(lines, k))): Float64Array {
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
 * Depth of one pass over k, and rows of A per pass: a KC-deep slice of one B panel (8 KiB) stays
 * in L1 while MC rows of A (128 KiB) stay in L2. Splitting k keeps each output's order: the
 * next slice continues the partial sum where the previous one stored it.
 */
const KC = 256;
const MC = 64;

/**
 * C = init + A B for an m x k packed A (packLines of its rows) and a k x n packed B (packLines
 * of its columns). `init` is the sum's starting value: -0 where an empty or all-(-0) sum must
 * stay -0 (conv2d), 0 where the direct loop starts at 0 (dense, matmul).
 */
export function gemmPacked(m: number, n: number, k: number, a: Float64Array, b: Float64Array, init: number, target: GemmTarget): void {
  const { out, offset, rowStride, colStride } = target;
  if (k === 0) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[offset + i * rowStride + j * colStride] = init;
    return;
  }
  const rowPanels = Math.ceil(m / PANEL);
  const colPanels = Math.ceil(n / PANEL);
  const panelSize = k * PANEL;
  const panelsPerBlock = MC / PANEL;
  // One PANEL x PANEL block of sums between slices of k (row r, column c at r * PANEL + c).
  const tile = new Float64Array(PANEL * PANEL);
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kn = Math.min(KC, k - k0);
    for (let ib = 0; ib < rowPanels; ib += panelsPerBlock) {
      const ibEnd = Math.min(rowPanels, ib + panelsPerBlock);
      for (let jp = 0; jp < colPanels; jp++) {
        const j0 = jp * PANEL;
        const jn = Math.min(PANEL, n - j0);
        for (let ip = ib; ip < ibEnd; ip++) {
          const i0 = ip * PANEL;
          const im = Math.min(PANEL, m - i0);
          const o0 = offset + i0 * rowStride + j0 * colStride;
          if (k0 === 0) {
            tile.fill(init);
          } else {
            for (let r = 0; r < im; r++) for (let c = 0; c < jn; c++) tile[r * PANEL + c] = out[o0 + r * rowStride + c * colStride]!;
          }
          let c00 = tile[0]!,
            c01 = tile[1]!,
            c02 = tile[2]!,
            c03 = tile[3]!;
          let c10 = tile[4]!,
            c11 = tile[5]!,
            c12 = tile[6]!,
            c13 = tile[7]!;
          let c20 = tile[8]!,
            c21 = tile[9]!,
            c22 = tile[10]!,
            c23 = tile[11]!;
          let c30 = tile[12]!,
            c31 = tile[13]!,
            c32 = tile[14]!,
            c33 = tile[15]!;
          let pa = ip * panelSize + k0 * PANEL;
          let pb = jp * panelSize + k0 * PANEL;
          for (let kk = 0; kk < kn; kk++, pa += PANEL, pb += PANEL) {
            const a0 = a[pa]!,
              a1 = a[pa + 1]!,
              a2 = a[pa + 2]!,
              a3 = a[pa + 3]!;
            const b0 = b[pb]!,
              b1 = b[pb + 1]!,
              b2 = b[pb + 2]!,
              b3 = b[pb + 3]!;
            c00 += a0 * b0;
            c01 += a0 * b1;
            c02 += a0 * b2;
            c03 += a0 * b3;
            c10 += a1 * b0;
            c11 += a1 * b1;
            c12 += a1 * b2;
            c13 += a1 * b3;
            c20 += a2 * b0;
            c21 += a2 * b1;
            c22 += a2 * b2;
            c23 += a2 * b3;
            c30 += a3 * b0;
            c31 += a3 * b1;
            c32 += a3 * b2;
            c33 += a3 * b3;
          }
          tile[0] = c00;
          tile[1] = c01;
          tile[2] = c02;
          tile[3] = c03;
          tile[4] = c10;
          tile[5] = c11;
          tile[6] = c12;
          tile[7] = c13;
          tile[8] = c20;
          tile[9] = c21;
          tile[10] = c22;
          tile[11] = c23;
          tile[12] = c30;
          tile[13] = c31;
          tile[14] = c32;
          tile[15] = c33;
          // Only the rows and columns inside the matrix are stored (edge panels are zero-padded).
          for (let r = 0; r < im; r++) for (let c = 0; c < jn; c++) out[o0 + r * rowStride + c * colStride] = tile[r * PANEL + c]!;
        }
      }
    }
  }
}
