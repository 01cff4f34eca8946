/// <reference types="@webgpu/types" />
/**
 * createSkipKernels(device): the fused skip-connection kernels for WebGPU programmers, on their
 * own GPUBuffers and command encoders. Each call prepares one dispatch (pipeline from the
 * device's shared cache, bind group made once) and returns it; `encode(encoder)` records it into
 * the caller's encoder or compute pass as often as needed, `dispose()` frees what it owns.
 *
 *   const k = createSkipKernels(device);
 *   const add = await k.residual(x, f, y, { count: n, beta: 0.1, activation: 'relu' });
 *   const enc = device.createCommandEncoder();
 *   add.encode(enc);               // y = relu(x + 0.1 * f), one pass over memory
 *   device.queue.submit([enc.finish()]);
 *
 * Float32 data, row-major. Shapes and constants are baked into the shader (one pipeline per
 * configuration, cached per device), so prepare once and encode every frame.
 */
import { channelAxis, resolveAxisName, stridesOf, type ActivationKind, type AxisName, type Layout } from '@skipconn/core';
import { ExprBuilder, type EOp, type Expr } from './kernels/expr';
import { ewiseShader, ewiseVectorizable } from './kernels/ewise';
import { geometry, shaderKey, type Access, type ViewSpec } from './kernels/wgsl';
import { pipelineCache } from './engine/pipelines';
import { BufferUsage } from './engine/gpu-constants';

/** A float32 tensor in a GPUBuffer: the whole buffer, or from a byte offset (a multiple of 4). */
export type TensorRef = GPUBuffer | { readonly buffer: GPUBuffer; readonly offset?: number };

/** A scale: a number, or one value per channel (needs `shape` and `layout`). */
export type Scale = number | Float32Array;

export interface ShapeOptions {
  /** Elements to process; default: what fits in `out` from its offset. Ignored when `shape` is given. */
  readonly count?: number;
  /** The tensor's shape; needed for per-channel scales and gates. */
  readonly shape?: readonly number[];
  /** Layout of `shape` (default NCHW for rank 4, NTC for rank 3, NC for rank 2). */
  readonly layout?: Layout;
}

export interface ResidualOptions extends ShapeOptions {
  /** Scale of the shortcut x (default 1). */
  readonly alpha?: Scale;
  /** Scale of the body f (default 1); fold a stochastic-depth factor in here. */
  readonly beta?: Scale;
  readonly activation?: ActivationKind;
  /** A per-channel bias added to the body before scaling: residual + bias in one pass. */
  readonly bias?: Float32Array;
}

export interface HighwayOptions extends ShapeOptions {
  /** Carry-gate logits; default coupled carry (1 - T). */
  readonly carryLogits?: TensorRef;
}

export interface GateOptions extends ShapeOptions {
  readonly shape: readonly number[];
  /** Semantic axes g is broadcast over (default ['spatial']: squeeze-and-excitation). */
  readonly broadcast?: readonly AxisName[];
  /** Fuse the residual add that follows an SE gate: out = act(alpha*shortcut + beta*(x*g)). */
  readonly residual?: { readonly shortcut: TensorRef; readonly alpha?: Scale; readonly beta?: Scale; readonly activation?: ActivationKind };
}

export interface ConcatPart {
  readonly src: TensorRef;
  readonly shape: readonly number[];
}

/** One prepared dispatch (or several, for concatInto). */
export interface PreparedKernel {
  readonly label: string;
  /** Records the dispatch into the caller's command encoder or compute pass. */
  encode(target: GPUCommandEncoder | GPUComputePassEncoder): void;
  /** Frees the buffers this kernel owns (per-channel scales); the caller's buffers are untouched. */
  dispose(): void;
}

export interface SkipKernels {
  /** out = act(alpha*x + beta*(f [+ bias])). */
  residual(x: TensorRef, f: TensorRef, out: TensorRef, options?: ResidualOptions): Promise<PreparedKernel>;
  /** out = T*h + C*x, T = sigmoid(t), C = 1 - T (or sigmoid(carryLogits)). */
  highway(x: TensorRef, h: TensorRef, t: TensorRef, out: TensorRef, options?: HighwayOptions): Promise<PreparedKernel>;
  /** out = x * g, g broadcast over the declared axes; optionally fused with the residual add. */
  gate(x: TensorRef, g: TensorRef, out: TensorRef, options: GateOptions): Promise<PreparedKernel>;
  /**
   * Copies each part into its channel slice of `out` (shape = the concat's shape). For zero-copy
   * concatenation let producers write straight into `channelSlice(...)` instead.
   */
  concatInto(parts: readonly ConcatPart[], out: TensorRef, options: { readonly layout: Layout }): Promise<PreparedKernel>;
  /** Frees everything the prepared kernels own. */
  dispose(): void;
}

/**
 * Where channels [start, start + count) of a tensor live: the byte offset of the slice and
 * whether it is contiguous (NCHW with batch 1, or the whole tensor), in which case a producer can
 * write it as a plain dense tensor at that offset: zero-copy concatenation.
 */
export function channelSlice(shape: readonly number[], layout: Layout, start: number, count: number): { offset: number; contiguous: boolean; strides: number[] } {
  const strides = stridesOf(shape);
  const axis = channelAxis(layout);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { offset: start * strides[axis]! * 4, contiguous: count === shape[axis] || outer === 1 || inner * count === 0, strides };
}

function refOf(t: TensorRef): { buffer: GPUBuffer; offset: number } {
  if ('buffer' in t) {
    const offset = t.offset ?? 0;
    if (offset % 4 !== 0) throw new RangeError(`tensor offset ${offset} is not a multiple of 4 bytes`);
    return { buffer: t.buffer, offset };
  }
  return { buffer: t, offset: 0 };
}

function defaultLayout(rank: number): Layout | undefined {
  return rank === 4 ? 'NCHW' : rank === 3 ? 'NTC' : rank === 2 ? 'NC' : undefined;
}

/** A tensor reference with its shape and element strides (0 = broadcast). */
interface Placed {
  readonly ref: TensorRef;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
}

export function createSkipKernels(device: GPUDevice): SkipKernels {
  const cache = pipelineCache(device);
  const owned = new Set<GPUBuffer>();
  const ids = new WeakMap<GPUBuffer, number>();
  let nextId = 0;

  const idOf = (b: GPUBuffer): number => {
    let id = ids.get(b);
    if (id === undefined) {
      id = nextId++;
      ids.set(b, id);
    }
    return id;
  };

  const upload = (data: Float32Array): GPUBuffer => {
    const b = device.createBuffer({ size: Math.max(16, Math.ceil(data.byteLength / 16) * 16), usage: BufferUsage.STORAGE | BufferUsage.COPY_DST });
    device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
    owned.add(b);
    return b;
  };

  /** One elementwise dispatch: `build` makes the expression from leaf indices. */
  async function prepare(label: string, out: Placed, leaves: readonly Placed[], expr: Expr, mine: GPUBuffer[]): Promise<PreparedKernel> {
    const buffers: GPUBuffer[] = [];
    const access: Access[] = [];
    const bind = (b: GPUBuffer, write: boolean): number => {
      let i = buffers.findIndex((x) => idOf(x) === idOf(b));
      if (i < 0) {
        i = buffers.length;
        buffers.push(b);
        access.push('read');
      }
      if (write) access[i] = 'read_write';
      return i;
    };
    const o = refOf(out.ref);
    const shape = out.shape;
    const outView: ViewSpec = { b: bind(o.buffer, true), off: o.offset / 4, shape: [...shape], strides: [...out.strides] };
    const leafViews: ViewSpec[] = leaves.map((l) => {
      const r = refOf(l.ref);
      return { b: bind(r.buffer, false), off: r.offset / 4, shape: [...l.shape], strides: [...l.strides] };
    });
    const total = shape.reduce((a, b) => a * b, 1);
    const { vec, vecBindings } = ewiseVectorizable(outView, leafViews);
    const groups = Math.ceil((vec ? total / 4 : total) / 256);
    const { gx, gy } = geometry(groups);
    const spec = { bindings: access.map((a, i) => (vecBindings.has(i) && vec ? { access: a, vec4: true } : { access: a })), wg: 256, gx, out: outView, leaves: leafViews, expr, vec };
    const { pipeline, layout } = await cache.get(shaderKey(ewiseShader.name, spec), () => ewiseShader.generate(spec), spec.bindings, label);
    const bindGroup = device.createBindGroup({ layout, entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })), label });
    return {
      label,
      encode(target) {
        const isPass = 'dispatchWorkgroups' in target;
        const pass = isPass ? (target as GPUComputePassEncoder) : (target as GPUCommandEncoder).beginComputePass({ label });
        if (gy > 0) {
          pass.setPipeline(pipeline);
          pass.setBindGroup(0, bindGroup);
          pass.dispatchWorkgroups(gx, gy);
        }
        if (!isPass) pass.end();
      },
      dispose() {
        for (const b of mine) {
          b.destroy();
          owned.delete(b);
        }
      },
    };
  }

  /** Shape and layout of a call: an explicit shape, or a flat [count]. */
  const shapeOf = (out: TensorRef, o: ShapeOptions): { shape: number[]; layout: Layout | undefined } => {
    if (o.shape !== undefined) return { shape: [...o.shape], layout: o.layout ?? defaultLayout(o.shape.length) };
    const r = refOf(out);
    return { shape: [o.count ?? (r.buffer.size - r.offset) / 4], layout: undefined };
  };

  const same = (ref: TensorRef, shape: readonly number[]): Placed => ({ ref, shape, strides: stridesOf(shape) });

  /** A scale as an expression node: a constant, or a per-channel leaf (uploaded). */
  const scaleNode = (eb: ExprBuilder, s: Scale | undefined, shape: readonly number[], layout: Layout | undefined, leaves: Placed[], mine: GPUBuffer[]): number | undefined => {
    if (s === undefined || s === 1) return undefined;
    if (typeof s === 'number') return eb.c(s);
    if (layout === undefined) throw new RangeError('a per-channel scale needs options.shape (and layout)');
    const axis = channelAxis(layout);
    if (s.length !== shape[axis]) throw new RangeError(`per-channel scale has ${s.length} values; the channel axis of ${JSON.stringify(shape)} (${layout}) has ${shape[axis]}`);
    const b = upload(s);
    mine.push(b);
    leaves.push({ ref: b, shape, strides: shape.map((_, a) => (a === axis ? 1 : 0)) });
    return eb.leaf(leaves.length - 1);
  };

  const act = (eb: ExprBuilder, kind: ActivationKind | undefined, x: number): number => (kind === undefined || kind === 'none' ? x : eb.op(kind as EOp, x));

  const kernels: SkipKernels = {
    async residual(x, f, out, options = {}) {
      const { shape, layout } = shapeOf(out, options);
      const eb = new ExprBuilder();
      const leaves: Placed[] = [same(x, shape), same(f, shape)];
      const mine: GPUBuffer[] = [];
      let body = eb.leaf(1);
      if (options.bias !== undefined) {
        if (layout === undefined) throw new RangeError('residual bias needs options.shape (and layout)');
        const axis = channelAxis(layout);
        const b = upload(options.bias);
        mine.push(b);
        leaves.push({ ref: b, shape, strides: shape.map((_, a) => (a === axis ? 1 : 0)) });
        body = eb.op('add', body, eb.leaf(leaves.length - 1));
      }
      const alpha = scaleNode(eb, options.alpha, shape, layout, leaves, mine);
      const beta = scaleNode(eb, options.beta, shape, layout, leaves, mine);
      const xs = alpha === undefined ? eb.leaf(0) : eb.op('mul', alpha, eb.leaf(0));
      const fs = beta === undefined ? body : eb.op('mul', beta, body);
      const root = act(eb, options.activation, eb.op('add', xs, fs));
      return prepare('skipconn residual', same(out, shape), leaves, eb.build(root), mine);
    },

    async highway(x, h, t, out, options = {}) {
      const { shape } = shapeOf(out, options);
      const eb = new ExprBuilder();
      const leaves: Placed[] = [same(x, shape), same(h, shape), same(t, shape)];
      const T = eb.op('sigmoid', eb.leaf(2));
      let C: number;
      if (options.carryLogits !== undefined) {
        leaves.push(same(options.carryLogits, shape));
        C = eb.op('sigmoid', eb.leaf(3));
      } else {
        C = eb.op('sub', eb.c(1), T);
      }
      const root = eb.op('add', eb.op('mul', T, eb.leaf(1)), eb.op('mul', C, eb.leaf(0)));
      return prepare('skipconn highway', same(out, shape), leaves, eb.build(root), []);
    },

    async gate(x, g, out, options) {
      const shape = [...options.shape];
      const layout = options.layout ?? defaultLayout(shape.length);
      const broadcast = new Set<number>();
      for (const name of options.broadcast ?? ['spatial']) {
        if (layout === undefined) throw new RangeError('gate broadcast axes need a layout');
        resolveAxisName(layout, name).forEach((a) => broadcast.add(a));
      }
      const gShape = shape.map((d, a) => (broadcast.has(a) ? 1 : d));
      const gStrides = stridesOf(gShape).map((s, a) => (broadcast.has(a) ? 0 : s));
      const eb = new ExprBuilder();
      const leaves: Placed[] = [same(x, shape), { ref: g, shape, strides: gStrides }];
      let root = eb.op('mul', eb.leaf(0), eb.leaf(1));
      const mine: GPUBuffer[] = [];
      const r = options.residual;
      if (r !== undefined) {
        leaves.push(same(r.shortcut, shape));
        const sc = eb.leaf(2);
        const alpha = scaleNode(eb, r.alpha, shape, layout, leaves, mine);
        const beta = scaleNode(eb, r.beta, shape, layout, leaves, mine);
        const xs = alpha === undefined ? sc : eb.op('mul', alpha, sc);
        const fs = beta === undefined ? root : eb.op('mul', beta, root);
        root = act(eb, r.activation, eb.op('add', xs, fs));
      }
      return prepare(r === undefined ? 'skipconn gate' : 'skipconn gate+residual', same(out, shape), leaves, eb.build(root), mine);
    },

    async concatInto(parts, out, options) {
      const axis = channelAxis(options.layout);
      const first = parts[0];
      if (first === undefined) throw new RangeError('concatInto needs at least one part');
      const total = parts.reduce((c, p) => c + p.shape[axis]!, 0);
      const outShape = first.shape.map((d, a) => (a === axis ? total : d));
      const strides = stridesOf(outShape);
      const o = refOf(out);
      const prepared: PreparedKernel[] = [];
      let start = 0;
      for (const p of parts) {
        const eb = new ExprBuilder();
        const dst: Placed = { ref: { buffer: o.buffer, offset: o.offset + start * strides[axis]! * 4 }, shape: p.shape, strides };
        start += p.shape[axis]!;
        prepared.push(await prepare('skipconn concat part', dst, [same(p.src, p.shape)], eb.build(eb.leaf(0)), []));
      }
      return {
        label: 'skipconn concatInto',
        encode(target) {
          prepared.forEach((k) => k.encode(target));
        },
        dispose() {
          prepared.forEach((k) => k.dispose());
        },
      };
    },

    dispose() {
      for (const b of owned) b.destroy();
      owned.clear();
    },
  };

  return kernels;
}
