/**
 * topK (core/ops/top-k.ts), one workgroup per row of the last axis. Sorting a whole row would
 * waste the work on the elements it drops (centernet keeps 100 of 1310720), so the kernel selects
 * first and orders only what it keeps. Rows of at most TOP_K_RANK_MAX elements take a simpler
 * kernel, one invocation per element counting its rank (topKRankShader).
 *
 * Every element gets a u32 key whose unsigned order is the value's order: float32 bits with the
 * sign bit set are inverted, the others get the sign bit (the usual radix-sort map), -0 is read as
 * +0 so the two tie; int32 keys are the bits with the sign bit flipped. Ties are broken by the
 * lower index, so (key descending, index ascending) is a total order and the element of each rank
 * is determined. A NaN is undefined in the IR; here it is ordered by its key (a positive NaN above
 * +Infinity, a negative one below -Infinity), so it never breaks the kernel.
 *
 * The rank-R threshold (the R-th element in that order) is found by radix selection: four passes
 * over the row, each a histogram (workgroup atomics) of the next 8 key bits among the elements
 * that match the bits chosen so far, with one lane walking the 256 bins from the top. When the
 * elements whose key equals the threshold key are not all kept, passes over the index bits of
 * those elements (from the bottom) find the last index kept. An element is then kept when its key
 * is larger, or equal with an index up to that bound: exactly R of them.
 *
 * The kept elements are ordered in windows of W = TOP_K_WINDOW ranks: window w holds ranks
 * [w*W, min(k, (w+1)*W)), the elements kept at its end's threshold and not at its start's. They
 * are gathered into workgroup memory (in any order) and each one's rank in the window is the
 * number of window elements before it, counted from workgroup memory. A row costs (4 + index
 * passes + 1) reads of the row per window plus W^2 / 256 comparisons per invocation and window;
 * k = 100 is one window.
 */
import { addr, bindings, defineShader, elemOf, itemEntry, rowEntry, u, unravel, type ShaderSpec, type ViewSpec } from './wgsl';

/** Ranks ordered per window: the kept elements gathered into workgroup memory at once (8 bytes each). */
export const TOP_K_WINDOW = 1024;

/**
 * Rows up to this long take the rank kernel (topKRankShader): one invocation per element, which
 * counts the elements before it in the row. On short rows the selection's passes, barriers and
 * 256-bin walks cost far more than the n comparisons (4096 rows of 100, k = 10, on SwiftShader).
 */
export const TOP_K_RANK_MAX = 256;

/** Invocations per workgroup; one histogram bin per lane. */
const LANES = 256;

export interface TopKSpec extends ShaderSpec {
  /** x with the last axis at size 1: the first element of each row. */
  readonly rows: ViewSpec;
  /** The row's length and x's stride along it. */
  readonly length: number;
  readonly stride: number;
  readonly k: number;
  /** The outputs with the last axis at size 1, and their strides along it. */
  readonly values: ViewSpec;
  readonly valuesStride: number;
  readonly indices: ViewSpec;
  readonly indicesStride: number;
}

/** Bits above those of a digit at `shift` (the prefix chosen so far), as a u32 mask. */
function above(shift: number): number {
  return shift + 8 >= 32 ? 0 : (0xffffffff << (shift + 8)) >>> 0;
}

const hex = (n: number): string => `0x${n.toString(16)}u`;

/** The lines of one histogram pass: clear, count the matching elements' digits, then let lane 0 pick a bin. */
function histogramPass(scan: string[], walk: string[]): string[] {
  const lines = ['atomicStore(&hist[lid.x], 0u);', 'workgroupBarrier();', ...scan, 'workgroupBarrier();', 'if (lid.x == 0u) {', ...walk.map((l) => `  ${l}`), '}', 'workgroupBarrier();'];
  // A block of its own, so that each pass's names are its own.
  return ['{', ...lines.map((l) => `  ${l}`), '}'];
}

/** The key function of the module comment, for x's element type. */
function keyFunction(float: boolean): string {
  return float
    ? // -0 is read as +0; then negative floats are inverted (larger magnitude, smaller key) and the rest get the top bit.
      `fn key(v: f32) -> u32 {
  var b = bitcast<u32>(v);
  if ((b & 0x7fffffffu) == 0u) { b = 0u; }
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}`
    : 'fn key(v: i32) -> u32 { return bitcast<u32>(v) ^ 0x80000000u; }';
}

/**
 * Short rows: one invocation per element j of a row, whose rank is the number of elements i before
 * it in the order (a larger key, or an equal key and i < j); ranks below k write their output.
 */
export const topKRankShader = defineShader<TopKSpec>('topKRank', (spec) => {
  const { rows, length, stride, k, values, valuesStride, indices, indicesStride } = spec;
  const total = rows.shape.reduce((a, b) => a * b, 1) * length;
  const coords = rows.shape.map((_, a) => `c${a}`);
  const at = (j: string): string => `b${rows.b}[base + ${j} * ${u(stride)}]`;
  const body = [
    `let row = gi / ${u(length)};`,
    `let j = gi % ${u(length)};`,
    ...unravel(rows.shape, 'row', 'c'),
    `let base = ${addr(rows, coords)};`,
    `let v = ${at('j')};`,
    'let kj = key(v);',
    'var r = 0u;',
    `for (var i = 0u; i < ${u(length)}; i++) {`,
    `  let ki = key(${at('i')});`,
    '  r += select(0u, 1u, ki > kj || (ki == kj && i < j));',
    '}',
    `if (r < ${u(k)}) {`,
    `  b${values.b}[${addr(values, coords)} + r * ${u(valuesStride)}] = v;`,
    `  b${indices.b}[${addr(indices, coords)} + r * ${u(indicesStride)}] = i32(j);`,
    '}',
  ];
  return `${bindings(spec)}
${keyFunction(elemOf(spec, rows.b) === 'f32')}
${itemEntry(spec, total, body)}
`;
});

export const topKShader = defineShader<TopKSpec>('topK', (spec) => {
  const { rows, length, stride, k, values, valuesStride, indices, indicesStride } = spec;
  if (spec.wg !== LANES) throw new Error(`internal: topK runs ${LANES} lanes a workgroup, not ${spec.wg}`);
  const rowCount = rows.shape.reduce((a, b) => a * b, 1);
  const coords = rows.shape.map((_, a) => `c${a}`);
  const float = elemOf(spec, rows.b) === 'f32';
  const n = u(length);
  const at = (j: string): string => `b${rows.b}[base + ${j} * ${u(stride)}]`;
  const scanRow = (inner: string[]): string[] => [`for (var j = lid.x; j < ${n}; j += ${u(LANES)}) {`, `  let kk = key(${at('j')});`, ...inner.map((l) => `  ${l}`), '}'];
  const indexBits = Math.max(1, Math.ceil(Math.log2(length)));
  const indexPasses = Math.ceil(indexBits / 8);

  // The threshold of rank `wend` (1 .. k): t is its key, bound the last index kept among the elements of key t.
  const select: string[] = ['workgroupBarrier();', 'if (lid.x == 0u) { sel[0] = 0u; sel[1] = wend; atomicStore(&slots, 0u); }'];
  for (const shift of [24, 16, 8, 0]) {
    select.push(
      ...histogramPass(
        ['let prefix = sel[0];', ...scanRow([`if ((kk & ${hex(above(shift))}) == prefix) { atomicAdd(&hist[(kk >> ${u(shift)}) & 255u], 1u); }`])],
        // From the top bin down: the bin holding the rank still wanted among the matching elements.
        [
          'var rem = sel[1];',
          'var d = 255u;',
          'loop {',
          '  let c = atomicLoad(&hist[d]);',
          '  if (c >= rem || d == 0u) { sel[2] = c; break; }',
          '  rem -= c;',
          '  d -= 1u;',
          '}',
          `sel[0] = sel[0] | (d << ${u(shift)});`,
          'sel[1] = rem;',
        ],
      ),
    );
  }
  select.push('let t = sel[0];', 'let partial = sel[1] < sel[2];', 'if (lid.x == 0u) { sel[3] = 0u; sel[4] = sel[1]; }');
  for (let p = 0; p < indexPasses; p++) {
    const shift = 8 * (indexPasses - 1 - p);
    select.push(
      ...histogramPass(
        ['let ip = sel[3];', 'if (partial) {', ...scanRow([`if (kk == t && (j & ${hex(above(shift))}) == ip) { atomicAdd(&hist[(j >> ${u(shift)}) & 255u], 1u); }`]).map((l) => `  ${l}`), '}'],
        // From the bottom bin up: the lower indices are kept first.
        [
          'if (partial) {',
          '  var rem = sel[4];',
          '  var d = 0u;',
          '  loop {',
          '    let c = atomicLoad(&hist[d]);',
          '    if (c >= rem || d == 255u) { break; }',
          '    rem -= c;',
          '    d += 1u;',
          '  }',
          `  sel[3] = sel[3] | (d << ${u(shift)});`,
          '  sel[4] = rem;',
          '}',
        ],
      ),
    );
  }
  select.push('let bound = select(0xffffffffu, sel[3], partial);');

  const windows = Math.ceil(k / TOP_K_WINDOW);
  const body = [
    ...unravel(rows.shape, 'row', 'c'),
    `let base = ${addr(rows, coords)};`,
    `let vbase = ${addr(values, coords)};`,
    `let ibase = ${addr(indices, coords)};`,
    'var pt = 0u;',
    'var pb = 0u;',
    `for (var w = 0u; w < ${u(windows)}; w++) {`,
    `  let wstart = w * ${u(TOP_K_WINDOW)};`,
    `  let wend = min(${u(k)}, wstart + ${u(TOP_K_WINDOW)});`,
    ...select.map((l) => `  ${l}`),
    ...scanRow([
      'let kept = kk > t || (kk == t && j <= bound);',
      'let before = w > 0u && (kk > pt || (kk == pt && j <= pb));',
      'if (kept && !before) {',
      '  let s = atomicAdd(&slots, 1u);',
      `  if (s < ${u(TOP_K_WINDOW)}) { keys[s] = kk; ids[s] = j; }`,
      '}',
    ]).map((l) => `  ${l}`),
    '  workgroupBarrier();',
    '  let count = wend - wstart;',
    `  for (var s = lid.x; s < count; s += ${u(LANES)}) {`,
    '    let ks = keys[s];',
    '    let js = ids[s];',
    '    var r = 0u;',
    '    for (var q = 0u; q < count; q++) {',
    '      let kq = keys[q];',
    '      r += select(0u, 1u, kq > ks || (kq == ks && ids[q] < js));',
    '    }',
    `    b${values.b}[vbase + (wstart + r) * ${u(valuesStride)}] = ${at('js')};`,
    `    b${indices.b}[ibase + (wstart + r) * ${u(indicesStride)}] = i32(js);`,
    '  }',
    '  pt = t;',
    '  pb = bound;',
    '}',
  ];
  return `${bindings(spec)}
${keyFunction(float)}
var<workgroup> hist: array<atomic<u32>, ${LANES}>;
var<workgroup> sel: array<u32, 5>;
var<workgroup> slots: atomic<u32>;
var<workgroup> keys: array<u32, ${TOP_K_WINDOW}>;
var<workgroup> ids: array<u32, ${TOP_K_WINDOW}>;
${rowEntry(spec, rowCount, body)}
`;
});
