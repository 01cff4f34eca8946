/**
 * WGSL code generation shared by every kernel.
 *
 * Shapes, strides, offsets and constants are baked into the source: a compiled graph has static
 * shapes, baked numbers let the shader compiler strength-reduce every division, and no uniform
 * buffer has to live per dispatch. The price is one pipeline per distinct configuration, which
 * the per-device pipeline cache shares between identical nodes (repeated ResNet blocks).
 *
 * Every generated shader is a pure function of a JSON-able spec: `shaderKey(name, spec)` is
 * therefore a complete cache key (see engine/pipelines.ts, which also checks it).
 */

/** A tensor as one kernel sees it: its binding, an element offset and per-axis strides (0 = broadcast). */
export interface ViewSpec {
  readonly b: number;
  readonly off: number;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
}

export type Access = 'read' | 'read_write';

/**
 * The WGSL element type of a buffer's values: f32 (float32, and float16 graphs computed in
 * float32) or i32 (int32). Both are 4 bytes, so offsets, strides and buffer sizes are the same.
 */
export type ElemType = 'f32' | 'i32';

export interface BindingSpec {
  readonly access: Access;
  /** Declared as array<vec4<...>> (vectorized elementwise path) instead of scalars. */
  readonly vec4?: boolean;
  /**
   * The buffer holds float16 weights packed two to a u32 word (element i in the low half of word
   * i / 2 when i is even, the high half when odd): declared array<u32> (array<vec2<u32>> with
   * `vec4`, four halves per load) and read only through `weightAt` / `weightVec4At`, which unpack to f32.
   */
  readonly packedHalves?: boolean;
  /** Present for i32 bindings only, so that float32 specs (and their cache keys) stay as they were. */
  readonly elem?: 'i32';
}

/** The element type binding `b` of `spec` declares. */
export function elemOf(spec: ShaderSpec, b: number): ElemType {
  return spec.bindings[b]?.elem ?? 'f32';
}

/** What every shader spec carries: its bindings and its dispatch geometry. */
export interface ShaderSpec {
  readonly bindings: readonly BindingSpec[];
  /** Workgroup size (x). */
  readonly wg: number;
  /** Workgroups per row of the 2-D dispatch grid (a dimension may not exceed 65535). */
  readonly gx: number;
}

/** A kernel's WGSL generator. `generate` must read nothing but its spec. */
export interface ShaderDef<S extends ShaderSpec> {
  readonly name: string;
  generate(spec: S): string;
}

export function defineShader<S extends ShaderSpec>(name: string, generate: (spec: S) => string): ShaderDef<S> {
  return { name, generate };
}

/** The cache key of a generated shader: its generator's name and everything the generator reads. */
export function shaderKey(name: string, spec: ShaderSpec): string {
  return `${name}:${JSON.stringify(spec)}`;
}

export const MAX_GROUPS_PER_DIM = 65535;

/** A 2-D grid holding `groups` workgroups. */
export function geometry(groups: number): { gx: number; gy: number } {
  if (groups <= 0) return { gx: 1, gy: 0 };
  const gx = Math.min(groups, MAX_GROUPS_PER_DIM);
  return { gx, gy: Math.ceil(groups / gx) };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE bits of v rounded to float32. */
export function f32Bits(v: number): number {
  f32[0] = v;
  return u32[0]!;
}

/**
 * A float32 constant, exact. Small integers read as decimals; everything else is written by its
 * bits. Non-finite values go through `rt()` (an identity function) because a WGSL
 * const-expression that evaluates to Infinity or NaN is a shader-creation error.
 */
export function lit(v: number): string {
  const r = Math.fround(v);
  if (Number.isInteger(r) && Math.abs(r) < 2 ** 24 && !Object.is(r, -0)) return `${r}.0`;
  const hex = `0x${f32Bits(r).toString(16)}u`;
  return Number.isFinite(r) ? `bitcast<f32>(${hex})` : `bitcast<f32>(rt(${hex}))`;
}

/** A u32 literal. */
export function u(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`index ${n} does not fit a u32`);
  return `${n}u`;
}

/**
 * WGSL lines defining `${p}0 .. ${p}{r-1}` (u32): the coordinates of the row-major flat index
 * `idx` in `shape`. Size-1 axes get the literal 0.
 */
export function unravel(shape: readonly number[], idx: string, p: string): string[] {
  const lines: string[] = [];
  let inner = 1;
  const inners: number[] = new Array(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    inners[a] = inner;
    inner *= shape[a]!;
  }
  shape.forEach((d, a) => {
    const div = inners[a]!;
    let e: string;
    if (d === 1) e = '0u';
    else {
      const q = div === 1 ? idx : `(${idx} / ${u(div)})`;
      e = a === 0 ? q : `${q} % ${u(d)}`;
    }
    lines.push(`let ${p}${a} = ${e};`);
  });
  return lines;
}

/** The element index of coordinates `coords` in a view (terms with stride 0 or size 1 vanish). */
export function addr(v: ViewSpec, coords: readonly string[]): string {
  const terms: string[] = [];
  if (v.off !== 0) terms.push(u(v.off));
  v.shape.forEach((d, a) => {
    const s = v.strides[a]!;
    if (s === 0 || d === 1) return;
    terms.push(s === 1 ? coords[a]! : `${coords[a]!} * ${u(s)}`);
  });
  return terms.length === 0 ? '0u' : terms.join(' + ');
}

export function load(v: ViewSpec, coords: readonly string[]): string {
  return `b${v.b}[${addr(v, coords)}]`;
}

/**
 * The f32 element at `index` of binding `b`, whichever way the binding stores it: a kernel that
 * may read a weight stored as float16 (dense, matmul, gemv, conv2d) reads it through this.
 */
export function weightAt(spec: ShaderSpec, b: number, index: string): string {
  return spec.bindings[b]?.packedHalves === true ? `half${b}(${index})` : `b${b}[${index}]`;
}

/** The vec4<f32> at vec4 index `q` (elements 4q .. 4q + 3) of a binding declared with `vec4`. */
export function weightVec4At(spec: ShaderSpec, b: number, q: string): string {
  return spec.bindings[b]?.packedHalves === true ? `halves${b}(${q})` : `b${b}[${q}]`;
}

function elementType(bd: BindingSpec): string {
  if (bd.packedHalves === true) return bd.vec4 === true ? 'vec2<u32>' : 'u32';
  const scalar = bd.elem ?? 'f32';
  return bd.vec4 === true ? `vec4<${scalar}>` : scalar;
}

/** The unpacking function of a float16 binding (core built-ins, no shader-f16 needed). */
function unpackFunction(bd: BindingSpec, i: number): string {
  if (bd.vec4 === true) return `fn halves${i}(q: u32) -> vec4<f32> { let p = b${i}[q]; return vec4<f32>(unpack2x16float(p.x), unpack2x16float(p.y)); }`;
  return `fn half${i}(e: u32) -> f32 { return unpack2x16float(b${i}[e >> 1u])[e & 1u]; }`;
}

/** Binding declarations for a spec, and the unpacking function of each float16 binding. */
export function bindings(spec: ShaderSpec): string {
  const decls = spec.bindings.map((bd, i) => `@group(0) @binding(${i}) var<storage, ${bd.access}> b${i}: array<${elementType(bd)}>;`);
  const unpack = spec.bindings.flatMap((bd, i) => (bd.packedHalves === true ? [unpackFunction(bd, i)] : []));
  return [...decls, ...unpack].join('\n');
}

/**
 * A one-thread-per-item compute entry point: `gi` is the item index; threads past `total` return.
 */
export function itemEntry(spec: ShaderSpec, total: number, body: readonly string[]): string {
  return `@compute @workgroup_size(${spec.wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let gi = (wid.y * ${u(spec.gx)} + wid.x) * ${u(spec.wg)} + lid.x;
  if (gi >= ${u(total)}) { return; }
${body.map((l) => `  ${l}`).join('\n')}
}`;
}

/** A one-workgroup-per-row entry point: `row` is uniform across the workgroup, `lid.x` the lane. */
export function rowEntry(spec: ShaderSpec, rows: number, body: readonly string[]): string {
  return `@compute @workgroup_size(${spec.wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row = wid.y * ${u(spec.gx)} + wid.x;
  if (row >= ${u(rows)}) { return; }
${body.map((l) => `  ${l}`).join('\n')}
}`;
}

export type ScalarType = 'f32' | 'vec4<f32>';

/** Suffix of the math-library functions for a type. */
export function sfx(t: ScalarType): string {
  return t === 'f32' ? 'f' : 'v';
}

function mathFor(t: ScalarType): string {
  const s = sfx(t);
  const zero = `${t}(0.0)`;
  const u32t = t === 'f32' ? 'u32' : 'vec4<u32>';
  return `
// NaN by its bits: comparisons with a NaN may be optimized as if NaN did not exist (NVIDIA turns
// the select below into a max that drops it), integer tests may not.
fn isnan_${s}(x: ${t}) -> ${t === 'f32' ? 'bool' : 'vec4<bool>'} { return (bitcast<${u32t}>(x) & ${u32t}(0x7fffffffu)) > ${u32t}(0x7f800000u); }
fn relu_${s}(x: ${t}) -> ${t} { return select(select(x, ${zero}, x <= ${zero}), x, isnan_${s}(x)); }
// clip's two halves: x below lo becomes lo, x above hi becomes hi; NaN and -0 pass unchanged.
fn atleast_${s}(x: ${t}, lo: ${t}) -> ${t} { return select(select(x, lo, x < lo), x, isnan_${s}(x)); }
fn atmost_${s}(x: ${t}, hi: ${t}) -> ${t} { return select(select(x, hi, x > hi), x, isnan_${s}(x)); }
// Two exact rewrites of 1/(1+e^-x), so that exp never overflows; NaN stays NaN.
fn sigm_${s}(x: ${t}) -> ${t} { let e = exp(-abs(x)); return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= ${zero}); }
// tanh from exp(-2|x|): no overflow for large |x|, NaN stays NaN.
fn tanh_${s}(x: ${t}) -> ${t} { let e = exp(-2.0 * abs(x)); let t = (1.0 - e) / (1.0 + e); return select(-t, t, x >= ${zero}); }
// erfc(z) for z >= 0 with relative error < 1.2e-7 (Numerical Recipes' erfcc, Chebyshev fit).
fn erfc_${s}(z: ${t}) -> ${t} {
  let t = 1.0 / (1.0 + 0.5 * z);
  return t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
}
// x * Phi(x): 1 + erf(x/sqrt2) is 2 - erfc(z) for x >= 0 and erfc(z) for x < 0, with no cancellation.
fn gelu_${s}(x: ${t}) -> ${t} { let c = erfc_${s}(abs(x) * 0.7071067811865476); return 0.5 * x * select(c, 2.0 - c, x >= ${zero}); }
// 0.5x(1 + tanh(u)) = x * sigmoid(2u).
fn gelut_${s}(x: ${t}) -> ${t} { return x * sigm_${s}(1.5957691216057308 * (x + 0.044715 * x * x * x)); }
fn silu_${s}(x: ${t}) -> ${t} { return x * sigm_${s}(x); }
// elu(x; a): a * (exp(x) - 1) below 0, else x; NaN passes by its bits (exp(NaN) is Infinity on SwiftShader).
fn elu_${s}(x: ${t}, a: ${t}) -> ${t} { return select(select(x, a * (exp(x) - 1.0), x < ${zero}), x, isnan_${s}(x)); }
// equal by the bits, so that no fast-math comparison can call a NaN equal or flush a subnormal to
// zero: the same bits and not NaN, or both zeros (-0 == +0).
fn eq_${s}(a: ${t}, b: ${t}) -> ${t} {
  let x = bitcast<${u32t}>(a);
  let y = bitcast<${u32t}>(b);
  let same = (x == y) ${t === 'f32' ? '&&' : '&'} !isnan_${s}(a);
  let zeros = ((x | y) & ${u32t}(0x7fffffffu)) == ${u32t}(0u);
  return select(${zero}, ${t}(1.0), same ${t === 'f32' ? '||' : '|'} zeros);
}
${intMathFor(t)}`;
}

/**
 * int32 arithmetic and the casts between int32 and float32, at the scalar or vec4 shape of `t`.
 * WGSL's i32 +, - and * wrap around 2^32 (two's complement), which is the IR's int32 rule, so
 * they need no function; these are the operations WGSL does not give as the spec defines them.
 */
function intMathFor(t: ScalarType): string {
  const s = sfx(t);
  const vec = t !== 'f32';
  const i = vec ? 'vec4<i32>' : 'i32';
  const b = vec ? 'vec4<bool>' : 'bool';
  const both = vec ? '&' : '&&';
  return `// floorDiv: WGSL's / truncates toward zero; one less where a remainder is left and the signs
// differ rounds toward -Infinity. (b = 0 and -2^31 / -1 are undefined in the IR; WGSL defines
// both as a, and so does this.)
fn floordiv_${s}(a: ${i}, b: ${i}) -> ${i} {
  let q = a / b;
  let down: ${b} = (q * b != a) ${both} ((a < ${i}(0)) != (b < ${i}(0)));
  return q - select(${i}(0), ${i}(1), down);
}
// float32 to int32: truncation toward zero, out-of-range values saturate, NaN gives 0 (tested by
// its bits, last, so no comparison above can hide it). i32(x) is only used where x is in range.
fn f2i_${s}(x: ${t}) -> ${i} {
  let r = select(select(${i}(x), ${i}(2147483647), x >= ${t}(2147483648.0)), ${i}(-2147483647 - 1), x < ${t}(-2147483648.0));
  return select(r, ${i}(0), isnan_${s}(x));
}
fn ieq_${s}(a: ${i}, b: ${i}) -> ${i} { return select(${i}(0), ${i}(1), a == b); }
// int32 to float32, rounded to nearest (ties to even) as the IR says: WGSL's f32(i32) may round
// either way beyond 2^24. The high 16 bits times 2^16 and the low 16 bits are exact in f32, so
// their sum is one correctly rounded addition (or one fused multiply-add, rounded once as well).
fn i2f_${s}(x: ${i}) -> ${t} { return ${t}(x >> ${vec ? 'vec4<u32>(16u)' : '16u'}) * 65536.0 + ${t}(x & ${i}(65535)); }
`;
}

/** Shared WGSL functions: rt() for non-finite constants, NaN tests, and the activations for `types`. */
export function mathLibrary(types: readonly ScalarType[] = ['f32']): string {
  return `fn rt(x: u32) -> u32 { return x; }
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn nan_f() -> f32 { return bitcast<f32>(rt(0x7fc00000u)); }
${types.map(mathFor).join('')}`;
}
