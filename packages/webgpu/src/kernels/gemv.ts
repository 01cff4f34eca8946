/**
 * Matrix-vector products: dense, matmul and gemm with one output row (a batch-1 classifier head,
 * a decoder step on one token). The tiled GEMM (gemm.ts) would leave 15 of the 16 rows of each
 * tile idle; here the product is bound by reading the matrix once, so every invocation reads it,
 * each element once, in whichever order keeps neighbouring invocations on neighbouring addresses:
 *
 *  - `k` form, for a matrix contiguous along k (dense's w[o, k], a transposed matmul operand):
 *    `lanes` invocations share one output column and stride over k together; each workgroup
 *    covers 256 / lanes columns and sums each column's partial sums in workgroup memory.
 *  - `n` form, for a matrix contiguous along the columns (matmul's [k, n] operand): invocations
 *    side by side own neighbouring columns, `lanes` groups of them split k, and their partial
 *    sums are added the same way.
 *
 * With `vec4`, each invocation loads four consecutive matrix elements at once (along k in the `k`
 * form, along n in the `n` form); the emitter sets it only where offsets and strides keep every
 * such load aligned. Views are [batch..., k] (x), [batch..., k, n] (the matrix) and
 * [batch..., n] (output, epilogue leaves), so strided and broadcast operands need no copy.
 */
import { epilogueStore, type FusedExpr } from './conv2d';
import { addr, bindings, defineShader, weightAt, weightVec4At, mathLibrary, u, unravel, type ShaderSpec, type ViewSpec } from './wgsl';

export const GEMV_WG = 256;

export type GemvForm = 'k' | 'n';

/** The operands of one-row products, as the planner hands them over. */
export interface GemvOperands {
  /** Shape of the batch of products ([] for dense). */
  readonly batch: readonly number[];
  readonly k: number;
  readonly n: number;
  /** [batch..., k] */
  readonly x: ViewSpec;
  /** [batch..., k, n] */
  readonly w: ViewSpec;
  /** [batch..., n] */
  readonly out: ViewSpec;
  /** dense's bias: n contiguous values. */
  readonly bias?: { readonly b: number; readonly off: number };
  /** Leaves are [batch..., n] views. */
  readonly epi?: FusedExpr;
}

export interface GemvSpec extends ShaderSpec, GemvOperands {
  readonly form: GemvForm;
  /** Invocations per column (`k` form) or groups splitting k (`n` form); a power of two dividing 256. */
  readonly lanes: number;
  readonly vec4: boolean;
}

function nextPow2(v: number): number {
  let p = 1;
  while (p < v) p *= 2;
  return p;
}

/** Whether every element offset the view can produce along `axes` (and its own offset) is a multiple of 4. */
function aligned4(v: ViewSpec, axes: readonly number[]): boolean {
  return v.off % 4 === 0 && axes.every((a) => v.shape[a]! <= 1 || v.strides[a]! % 4 === 0);
}

export interface GemvPlan {
  readonly form: GemvForm;
  readonly lanes: number;
  readonly vec4: boolean;
  /** Bindings declared as array<vec4<f32>>. */
  readonly vecBindings: ReadonlySet<number>;
  readonly groups: number;
}

/**
 * Picks the form, the lanes and vectorisation for views shaped as in GemvSpec. `scalarBindings`
 * are the bindings the kernel reads or writes one float at a time (output, bias, epilogue
 * leaves): a vec4 binding may not be one of them.
 */
export function planGemv(batch: readonly number[], k: number, n: number, x: ViewSpec, w: ViewSpec, scalarBindings: readonly number[]): GemvPlan {
  const r = batch.length;
  const batchAxes = batch.map((_, i) => i);
  const sk = w.strides[r]!;
  const sn = w.strides[r + 1]!;
  // The axis with the smaller stride is the one consecutive invocations should walk; a single
  // column (matmul with a vector on the right) always splits k.
  const form: GemvForm = n === 1 || (k > 1 && sk <= sn) ? 'k' : 'n';
  const scalar = new Set(scalarBindings);
  const batchSize = batch.reduce((a, b) => a * b, 1);
  if (form === 'k') {
    const vec4 = k % 4 === 0 && sk === 1 && x.strides[r] === 1 && aligned4(x, batchAxes) && aligned4(w, [...batchAxes, r + 1]) && !scalar.has(x.b) && !scalar.has(w.b);
    const units = vec4 ? k / 4 : k;
    // About 32 loads per invocation: loads in flight on a GPU come from the many columns
    // (4096 columns of k = 4096 are 131072 invocations), fewer invocations per column mean fewer
    // partial sums to add, and columns with short rows share a workgroup instead of leaving most
    // of it idle. A group of lanes still reads at least 4 consecutive floats of its row per step.
    const lanes = Math.min(GEMV_WG, nextPow2(Math.ceil(units / 32)));
    const cols = GEMV_WG / lanes;
    return { form, lanes, vec4, vecBindings: new Set(vec4 ? [x.b, w.b] : []), groups: batchSize * Math.ceil(n / cols) };
  }
  const vec4 = n % 4 === 0 && sn === 1 && aligned4(w, [...batchAxes, r]) && w.b !== x.b && !scalar.has(w.b);
  const units = vec4 ? n / 4 : n;
  // 16 vec4 (or 32 scalar) invocations side by side read 256 (128) contiguous bytes of a matrix
  // row; the remaining invocations of the workgroup split k, so a narrow matrix still fills it.
  const side = Math.min(vec4 ? 16 : 32, nextPow2(units));
  const lanes = GEMV_WG / side;
  return { form, lanes, vec4, vecBindings: new Set(vec4 ? [w.b] : []), groups: batchSize * Math.ceil(units / side) };
}

/**
 * Sums the `lanes` partial sums `stride` apart in `red` (lane index `li`, lane 0's slot at
 * `lid.x`) in stages of up to 16 terms, so 256 lanes take two stages (one barrier between them)
 * instead of the eight of a binary tree: barriers are cheap on a GPU but cost every invocation a
 * context switch on software rasterizers. Returns the lines and the expression holding the total,
 * valid in lane 0 only. Barriers stay in uniform control flow.
 */
function reduceLanes(lanes: number, stride: number, li: string, type: string): { lines: string[]; total: string } {
  const lines: string[] = ['workgroupBarrier();'];
  let live = lanes;
  while (live > 16) {
    const next = live / 16;
    const terms = Array.from({ length: 15 }, (_, j) => `red[lid.x + ${u((j + 1) * next * stride)}]`);
    lines.push(`if (${li} < ${u(next)}) { red[lid.x] = red[lid.x] + ${terms.join(' + ')}; }`, 'workgroupBarrier();');
    live = next;
  }
  const terms = Array.from({ length: live }, (_, j) => (j === 0 ? 'red[lid.x]' : `red[lid.x + ${u(j * stride)}]`));
  lines.push(`var total = ${type}(0.0);`, `if (${li} == 0u) { total = ${terms.join(' + ')}; }`);
  return { lines, total: 'total' };
}

export const gemvShader = defineShader<GemvSpec>('gemv', (spec) => {
  const { batch, k, n, x, w, out, bias, epi, form, lanes, vec4 } = spec;
  const bc = batch.map((_, i) => `bb${i}`);
  const batchSize = batch.reduce((a, b) => a * b, 1);
  // Element address of the matrix at (batch, kk, col), of x at (batch, kk).
  const wAt = (kk: string, col: string): string => addr(w, [...bc, kk, col]);
  const xAt = (kk: string): string => addr(x, [...bc, kk]);
  const finish = (col: string, value: string, p: string): string[] => [
    bias === undefined ? `let ${p}r = ${value};` : `let ${p}r = ${value} + b${bias.b}[${u(bias.off)} + ${col}];`,
    ...epilogueStore(epi, out, `${p}r`, [...bc, col], `${p}y`),
  ];
  const body: string[] = [];
  let groups: number;
  let red: string;
  if (form === 'k') {
    const cols = GEMV_WG / lanes;
    const blocks = Math.ceil(n / cols);
    groups = batchSize * blocks;
    red = 'f32';
    body.push(`let bt = t / ${u(blocks)};`, ...unravel(batch, 'bt', 'bb'));
    body.push(`let col = (t % ${u(blocks)}) * ${u(cols)} + lid.x / ${u(lanes)};`, `let li = lid.x % ${u(lanes)};`);
    if (vec4) {
      // Both views step by 1 along k and start on a multiple of 4: vec4 index = element index / 4.
      body.push('var acc = vec4<f32>(0.0);', `if (col < ${u(n)}) {`);
      body.push(`  let xq = (${xAt('0u')}) / 4u;`, `  let wq = (${wAt('0u', 'col')}) / 4u;`);
      body.push(`  for (var q = li; q < ${u(k / 4)}; q += ${u(lanes)}) { acc += b${x.b}[xq + q] * ${weightVec4At(spec, w.b, 'wq + q')}; }`);
      body.push('}', 'red[lid.x] = acc.x + acc.y + acc.z + acc.w;');
    } else {
      body.push('var acc = 0.0;', `if (col < ${u(n)}) {`);
      body.push(`  for (var kk = li; kk < ${u(k)}; kk += ${u(lanes)}) { acc += b${x.b}[${xAt('kk')}] * ${weightAt(spec, w.b, wAt('kk', 'col'))}; }`);
      body.push('}', 'red[lid.x] = acc;');
    }
    const sum = reduceLanes(lanes, 1, 'li', 'f32');
    body.push(...sum.lines);
    body.push(`if (li == 0u && col < ${u(n)}) {`, ...finish('col', sum.total, '').map((l) => `  ${l}`), '}');
  } else {
    const side = GEMV_WG / lanes;
    const units = vec4 ? n / 4 : n;
    const blocks = Math.ceil(units / side);
    groups = batchSize * blocks;
    red = vec4 ? 'vec4<f32>' : 'f32';
    body.push(`let bt = t / ${u(blocks)};`, ...unravel(batch, 'bt', 'bb'));
    body.push(`let cq = (t % ${u(blocks)}) * ${u(side)} + lid.x % ${u(side)};`, `let li = lid.x / ${u(side)};`);
    body.push(`var acc = ${red}(0.0);`, `if (cq < ${u(units)}) {`);
    if (vec4) {
      // The matrix steps by 1 along n and by a multiple of 4 along k: vec4 index = element index / 4.
      body.push(`  for (var kk = li; kk < ${u(k)}; kk += ${u(lanes)}) { acc += b${x.b}[${xAt('kk')}] * ${weightVec4At(spec, w.b, `(${wAt('kk', '0u')}) / 4u + cq`)}; }`);
    } else {
      body.push(`  for (var kk = li; kk < ${u(k)}; kk += ${u(lanes)}) { acc += b${x.b}[${xAt('kk')}] * ${weightAt(spec, w.b, wAt('kk', 'cq'))}; }`);
    }
    const sum = reduceLanes(lanes, side, 'li', red);
    body.push('}', 'red[lid.x] = acc;', ...sum.lines);
    body.push(`if (li == 0u && cq < ${u(units)}) {`, `  let s = ${sum.total};`);
    if (vec4) {
      ['x', 'y', 'z', 'w'].forEach((c, j) => {
        body.push('  {', `    let col = cq * 4u + ${u(j)};`, ...finish('col', `s.${c}`, '').map((l) => `    ${l}`), '  }');
      });
    } else {
      body.push('  let col = cq;', ...finish('col', 's', '').map((l) => `  ${l}`));
    }
    body.push('}');
  }
  return `${bindings(spec)}
${mathLibrary()}
var<workgroup> red: array<${red}, ${GEMV_WG}>;
@compute @workgroup_size(${GEMV_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let t = wid.y * ${u(spec.gx)} + wid.x;
  if (t >= ${u(groups)}) { return; }
${body.map((l) => `  ${l}`).join('\n')}
}
`;
});
