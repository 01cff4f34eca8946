/**
 * Compiles a validated graph once into a program of tfjs calls: the layout plan decides storage,
 * each node's kernel is compiled with its static shapes, weights become tf.Tensors held by the
 * compiled graph (folded into kernel-ready form where a kernel asks), and every run executes the
 * program inside one tf.tidy. Intermediates are disposed as soon as their last reader is done;
 * outputs are downloaded and disposed, so tf.memory().numTensors is the same before and after a
 * run, and after compile + dispose.
 */
import {
  SerialQueues,
  SkipconnError,
  UnsupportedError,
  checkFeeds,
  formatShape,
  shapesEqual,
  sizeOf,
  tensor,
  float32Values,
  isOpType,
  type CompiledGraph,
  type DType,
  type HostTensor,
  type ValidatedGraph,
  type WeightStore,
} from '@skipconn/core';
import { TFJS_KERNELS, TFJS_OPS, compileTfjsKernel, type CompiledKernel } from './kernels';
import { planLayouts, type Conversion, type LayoutPlan, type PlannedNode } from './plan/layout';
import type { Tensor, Tf } from './tf';

/** The backend a compiled graph runs on, as its adapter provides it. */
export interface TfRuntime {
  readonly tf: Tf;
  /** The tfjs backend name: 'cpu', 'wasm', 'webgpu', 'webgl' or 'tensorflow'. */
  readonly backend: string;
  /**
   * Turns an error the backend raised while compiling or running a graph with `weightBytes` of
   * weights into the one to throw (the wasm backend names its full 4 GiB memory); absent: as is.
   */
  readonly explainError?: (err: unknown, weightBytes: number) => unknown;
}

export interface TfjsCompiledGraph extends CompiledGraph {
  readonly info: { readonly backend: string };
  /** The layout plan, for inspection (tests count its transposes). */
  readonly plan: LayoutPlan;
  /** tf.Tensors this graph holds until dispose(): weights and compile-time tensors. */
  readonly heldTensors: number;
  /**
   * Runs the program on tf.Tensors in logical layout and returns the outputs (in graph output
   * order), so callers can differentiate through it (tf.grads). Synchronous: call it inside
   * onBackend and a tf.tidy. The given tensors are never disposed here.
   */
  runTensors(feeds: Readonly<Record<string, Tensor>>): Tensor[];
}

type Instr = { readonly kind: 'convert'; readonly conv: Conversion } | { readonly kind: 'node'; readonly planned: PlannedNode; readonly kernel: CompiledKernel; readonly empty: boolean };

interface Program {
  readonly instrs: readonly Instr[];
  /** Environment keys whose last reader is instruction i. */
  readonly frees: readonly (readonly string[])[];
  /** Constant tensors read at run time, by environment key. */
  readonly constants: ReadonlyMap<string, Tensor>;
  /** Every tensor the compiled graph owns. */
  readonly held: ReadonlySet<Tensor>;
}

/** One queue per tfjs engine: backend switches and the work that needs them take turns. */
const queues = new SerialQueues();

/**
 * Runs `fn` with the runtime's backend active. tfjs has one global engine and tf.setBackend is
 * async, so compiled graphs on different backends would otherwise switch it under each other.
 * Calls on one engine queue up (FIFO); each switches if needed and then runs `fn` synchronously
 * right after checking, so nothing can switch the backend between the check and the work.
 * Only the synchronous part is queued: downloads of results happen outside.
 */
export function onBackend<T>(runtime: TfRuntime, fn: () => T): Promise<T> {
  const { tf, backend } = runtime;
  const engine = tf.engine();
  return queues.of(engine).run(async () => {
    for (let attempt = 0; attempt < 4; attempt++) {
      if (tf.getBackend() === backend) return fn();
      if (!(await tf.setBackend(backend))) {
        throw new SkipconnError('ADAPTER_UNAVAILABLE', `tfjs backend '${backend}' failed to initialize`);
      }
    }
    throw new SkipconnError('ADAPTER_UNAVAILABLE', `tfjs backend '${backend}' could not be kept active: code outside skipconn kept switching backends`);
  });
}

/**
 * The dtypes a tfjs graph may hold. tfjs computes in float32; float16 graphs are decoded at the
 * boundary, computed in float32 and their outputs rounded to float16 (tfjs has no float16 math on
 * cpu and wasm; float32 accumulation with a float16 store is what the float16 tolerance allows).
 * int32 values are tfjs int32 tensors: cast, argMax, gatherNd's indices, int32 add, sub, mul and
 * floorDiv, and the data-movement ops that carry them (core decides which ops read int32).
 */
export const TFJS_DTYPES: readonly DType[] = ['float32', 'float16', 'int32'];

/** A host tensor as a tfjs tensor: int32 stays int32, every float dtype becomes float32. */
function toTfTensor(tf: Tf, t: HostTensor): Tensor {
  return t.dtype === 'int32' ? tf.tensor(new Int32Array(t.data as Int32Array), [...t.shape], 'int32') : tf.tensor(float32Values(t), [...t.shape], 'float32');
}

function checkDTypes(vg: ValidatedGraph): void {
  for (const [name, info] of vg.values) {
    if (TFJS_DTYPES.includes(info.dtype)) continue;
    const producer = vg.producers.get(name);
    throw new UnsupportedError(`dtype ${info.dtype} (value '${name}')`, producer ? { node: producer.spec.name, op: producer.spec.op } : {}, TFJS_DTYPES);
  }
}

export async function compileTfjs(runtime: TfRuntime, vg: ValidatedGraph, weights: WeightStore, onDispose?: () => void): Promise<TfjsCompiledGraph> {
  checkDTypes(vg);
  const plan = planLayouts(vg, (op) => (isOpType(op) ? TFJS_KERNELS[op] : undefined), TFJS_OPS);
  let weightBytes = 0;
  for (const name of vg.weightNames) {
    const w = weights.get(name);
    if (w === undefined) throw new SkipconnError('INPUT_INVALID', `weight '${name}' is missing from the weight store`);
    weightBytes += w.data.byteLength;
  }
  let program: Program;
  try {
    program = await onBackend(runtime, () => buildProgram(runtime.tf, vg, plan, weights));
  } catch (err) {
    throw runtime.explainError?.(err, weightBytes) ?? err;
  }
  return new CompiledTfjsGraph(runtime, vg, plan, program, weightBytes, onDispose);
}

function buildProgram(tf: Tf, vg: ValidatedGraph, plan: LayoutPlan, weights: WeightStore): Program {
  const conversions = new Map(plan.conversions.map((c) => [c.key, c]));
  const isConstant = (key: string): boolean => vg.weightNames.has(key) || conversions.get(key)?.constant === true;
  const held: Tensor[] = [];
  const made = new Map<string, Tensor>();
  // A constant's tensor (the weight, or a conversion of it), built on first use inside the tidy
  // below, so whatever no run needs (a conv weight once folded into a filter) is freed again.
  const constantTensor = (key: string): Tensor => {
    let t = made.get(key);
    if (t === undefined) {
      const conv = conversions.get(key);
      if (conv === undefined) {
        const w = weights.get(key)!;
        t = toTfTensor(tf, w);
      } else {
        t = applySteps(tf, constantTensor(conv.from), conv);
      }
      made.set(key, t);
    }
    return t;
  };
  const instrs: Instr[] = [];
  const constants = new Map<string, Tensor>();
  tf.tidy(() => {
    for (const conv of plan.entry) instrs.push({ kind: 'convert', conv });
    for (const planned of plan.nodes) {
      for (const conv of planned.convert) if (!conv.constant) instrs.push({ kind: 'convert', conv });
      const kernel = compileTfjsKernel(planned.node, {
        tf,
        inputPerms: planned.inputPerms,
        inputShapes: planned.inputShapes,
        outputPerms: planned.outputPerms,
        outputShapes: planned.outputShapes,
        constant: (i) => (isConstant(planned.inputKeys[i]!) ? constantTensor(planned.inputKeys[i]!) : undefined),
        keep: (t) => {
          held.push(t);
          return t;
        },
      });
      planned.inputKeys.forEach((key, i) => {
        if (isConstant(key) && !kernel.folded?.includes(i)) constants.set(key, constantTensor(key));
      });
      instrs.push({ kind: 'node', planned, kernel, empty: planned.outputShapes.every((s) => sizeOf(s) === 0) });
    }
    for (const conv of plan.exit) instrs.push({ kind: 'convert', conv });
    // Returned tensors survive the tidy; everything else made here is disposed.
    return [...held, ...constants.values()];
  });

  // Last instruction touching each environment key (read or written; i only grows). Graph
  // outputs and constants are never freed early; anything left over goes with the run's tidy.
  const lastUse = new Map<string, number>();
  instrs.forEach((ins, i) => {
    const keys = ins.kind === 'convert' ? [ins.conv.from, ins.conv.key] : [...ins.planned.inputKeys, ...ins.planned.node.spec.outputs];
    for (const key of keys) lastUse.set(key, i);
  });
  const keepKeys = new Set([...plan.outputs.map((o) => o.key), ...constants.keys()]);
  const frees: string[][] = instrs.map(() => []);
  for (const [key, i] of lastUse) if (!keepKeys.has(key)) frees[i]!.push(key);
  return { instrs, frees, constants, held: new Set([...held, ...constants.values()]) };
}

class CompiledTfjsGraph implements TfjsCompiledGraph {
  readonly info: { backend: string };
  private disposed = false;

  constructor(
    private readonly runtime: TfRuntime,
    private readonly vg: ValidatedGraph,
    readonly plan: LayoutPlan,
    private readonly program: Program,
    private readonly weightBytes: number,
    private readonly onDispose?: () => void,
  ) {
    this.info = { backend: runtime.backend };
  }

  get heldTensors(): number {
    return this.disposed ? 0 : this.program.held.size;
  }

  async run(feeds: Readonly<Record<string, HostTensor>>): Promise<Record<string, HostTensor>> {
    if (this.disposed) throw new SkipconnError('USAGE', 'run() on a disposed compiled graph');
    checkFeeds(this.vg, feeds);
    const { tf } = this.runtime;
    let outputs: Tensor[];
    try {
      outputs = await onBackend(this.runtime, () => {
        this.info.backend = tf.getBackend();
        return tf.tidy(() =>
          this.runTensors(
            Object.fromEntries(
              this.vg.graph.inputs.map((input) => {
                const feed = feeds[input.name]!;
                return [input.name, toTfTensor(tf, feed)];
              }),
            ),
          ),
        );
      });
    } catch (err) {
      // Intermediates that no longer fit beside the weights fail here rather than in compile().
      throw this.runtime.explainError?.(err, this.weightBytes) ?? err;
    }
    try {
      const data = await Promise.all(outputs.map((t) => t.data()));
      const result: Record<string, HostTensor> = {};
      this.plan.outputs.forEach(({ name }, i) => {
        // A copy: tfjs may hand back its own buffer, or the caller's feed for an input passed through.
        // float16 outputs are rounded here (tensor() encodes the half bits).
        const info = this.vg.values.get(name)!;
        result[name] =
          info.dtype === 'float32'
            ? tensor('float32', info.shape, new Float32Array(data[i] as Float32Array))
            : info.dtype === 'int32'
              ? tensor('int32', info.shape, new Int32Array(data[i] as Int32Array))
              : tensor(info.dtype, info.shape, data[i] as Float32Array);
      });
      return result;
    } finally {
      for (const t of new Set(outputs)) if (!this.program.held.has(t)) t.dispose();
    }
  }

  /** One run of the program; called inside tf.tidy with the backend active. */
  runTensors(feeds: Readonly<Record<string, Tensor>>): Tensor[] {
    if (this.disposed) throw new SkipconnError('USAGE', 'runTensors() on a disposed compiled graph');
    const { tf } = this.runtime;
    const given = new Set(Object.values(feeds));
    const env = new Map<string, Tensor>();
    const refs = new Map<Tensor, number>();
    const set = (key: string, t: Tensor): void => {
      env.set(key, t);
      refs.set(t, (refs.get(t) ?? 0) + 1);
    };
    const release = (key: string): void => {
      const t = env.get(key);
      if (t === undefined) return;
      env.delete(key);
      const n = refs.get(t)! - 1;
      refs.set(t, n);
      if (n === 0 && !this.program.held.has(t) && !given.has(t)) t.dispose();
    };
    for (const [key, t] of this.program.constants) set(key, t);
    for (const input of this.vg.graph.inputs) {
      const feed = feeds[input.name];
      if (feed === undefined || !shapesEqual(feed.shape, input.shape)) {
        throw new SkipconnError('INPUT_INVALID', `input '${input.name}': expected a tensor of shape ${formatShape(input.shape)}, received ${feed === undefined ? 'nothing' : formatShape(feed.shape)}`);
      }
      set(input.name, feed);
    }
    this.program.instrs.forEach((ins, i) => {
      if (ins.kind === 'convert') {
        set(ins.conv.key, applySteps(tf, env.get(ins.conv.from)!, ins.conv));
      } else {
        const { planned, kernel } = ins;
        const inputs = planned.inputKeys.map((key, j) => (kernel.folded?.includes(j) ? undefined : env.get(key)) as Tensor);
        // Outputs with no elements need no kernel (and tfjs kernels are unreliable on them).
        const outs = ins.empty ? planned.outputShapes.map((s) => tf.zeros([...s])) : kernel.run(inputs);
        planned.node.spec.outputs.forEach((name, j) => {
          const t = outs[j];
          const want = planned.outputShapes[j]!;
          if (t === undefined || !shapesEqual(t.shape, want)) {
            throw new Error(`@skipconn/tfjs bug: kernel ${planned.node.spec.op} for node '${planned.node.spec.name}' produced ${t ? formatShape(t.shape) : 'nothing'} where the plan says ${formatShape(want)}`);
          }
          set(name, t);
        });
      }
      for (const key of this.program.frees[i]!) release(key);
    });
    return this.plan.outputs.map((o) => env.get(o.key)!);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.program.held) t.dispose();
    this.onDispose?.();
  }
}

/** Applies a conversion's reshape/transpose steps. */
function applySteps(tf: Tf, t: Tensor, conv: Conversion): Tensor {
  let out = t;
  for (const step of conv.steps) out = step.kind === 'transpose' ? tf.transpose(out, [...step.perm]) : tf.reshape(out, [...step.shape]);
  return out;
}
