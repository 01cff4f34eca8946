/**
 * The tiled matrix product behind dense and matmul: a workgroup computes a 16x16 tile of the
 * output, staging 16x16 tiles of both operands in workgroup memory, so each operand element is
 * read from global memory once per tile instead of once per output. Operands are read through
 * address functions of (batch coordinates, row, column), so strided views (concat slices,
 * broadcast batch axes) need no copy. Out-of-range lanes load zeros and store nothing.
 */
import { u, unravel } from './wgsl';

export const TILE = 16;

export interface GemmParts {
  /** Batch shape (matmul) or [] (dense). */
  readonly batch: readonly number[];
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** WGSL address of A[b..., row, kk] (row, kk are u32 expressions). */
  a(row: string, kk: string): string;
  /** WGSL value of B[b..., kk, col]. */
  b(kk: string, col: string): string;
  /** Extra per-row WGSL (e.g. unravel a dense row into x's leading coordinates), given the row expression and a prefix. */
  rowSetup?(row: string, prefix: string): string[];
  /** Statements storing `value` at (row, col), run only for in-range lanes. */
  store(row: string, col: string, value: string): string[];
}

export function gemmTiles(p: GemmParts): number {
  const batch = p.batch.reduce((x, y) => x * y, 1);
  return batch * Math.ceil(p.m / TILE) * Math.ceil(p.n / TILE);
}

/** Body of a 256-thread workgroup computing one output tile; `t` is the tile index (uniform). */
export function gemmBody(p: GemmParts): string[] {
  const tm = Math.ceil(p.m / TILE);
  const tn = Math.ceil(p.n / TILE);
  return [
    `let bt = t / ${u(tm * tn)};`,
    ...unravel(p.batch, 'bt', 'bb'),
    `let tr = (t / ${u(tn)}) % ${u(tm)};`,
    `let tc = t % ${u(tn)};`,
    `let ly = lid.x / ${u(TILE)};`,
    `let lx = lid.x % ${u(TILE)};`,
    `let row = tr * ${u(TILE)} + ly;`,
    `let col = tc * ${u(TILE)} + lx;`,
    // The B tile is loaded with its rows along k: lane (ly, lx) loads B[k0 + ly, tc*16 + lx].
    ...(p.rowSetup?.('row', 'ra') ?? []),
    'var acc = 0.0;',
    `for (var k0 = 0u; k0 < ${u(p.k)}; k0 += ${u(TILE)}) {`,
    `  let ka = k0 + lx;`,
    `  let kb = k0 + ly;`,
    `  var av = 0.0;`,
    `  if (row < ${u(p.m)} && ka < ${u(p.k)}) { av = ${p.a('row', 'ka')}; }`,
    `  as_[ly * ${u(TILE + 1)} + lx] = av;`,
    `  var bv = 0.0;`,
    `  if (col < ${u(p.n)} && kb < ${u(p.k)}) { bv = ${p.b('kb', 'col')}; }`,
    `  bs_[ly * ${u(TILE + 1)} + lx] = bv;`,
    '  workgroupBarrier();',
    `  for (var kk = 0u; kk < ${u(TILE)}; kk++) { acc += as_[ly * ${u(TILE + 1)} + kk] * bs_[kk * ${u(TILE + 1)} + lx]; }`,
    '  workgroupBarrier();',
    '}',
    `if (row < ${u(p.m)} && col < ${u(p.n)}) {`,
    ...p.store('row', 'col', 'acc').map((l) => `  ${l}`),
    '}',
  ];
}

export function gemmShared(): string {
  return `var<workgroup> as_: array<f32, ${TILE * (TILE + 1)}>;
var<workgroup> bs_: array<f32, ${TILE * (TILE + 1)}>;`;
}

/** The entry point: one workgroup per tile. */
export function gemmEntry(gx: number, tiles: number, body: readonly string[]): string {
  return `@compute @workgroup_size(${TILE * TILE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let t = wid.y * ${u(gx)} + wid.x;
  if (t >= ${u(tiles)}) { return; }
${body.map((l) => `  ${l}`).join('\n')}
}`;
}
