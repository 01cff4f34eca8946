/**
 * Gradient flow through the skip connections of a graph, differentiated by tfjs (every op the
 * tfjs kernels use has a gradient in tfjs-core).
 *
 * The loss is L = 1/2 * sum of y^2 over every element of every graph output. To read dL/dv at a
 * value v that is not a graph input, the graph is rewritten with a probe: v + p, where p is an
 * extra graph input fed with zeros, replaces v for its readers; then dL/dp = dL/dv, and tf.grads
 * differentiates with respect to the probes only. Two kinds of probe per skip:
 *
 *   fork    at the skip's `from` value for all its readers: the gradient that reaches the block
 *           input through both paths (what flows on to the layers below)
 *   inputs  at each data input as the merge reads it (residual: shortcut, body; concat: each
 *           input; highway: x, h, transform logits[, carry logits]; gate: x, g)
 *
 * cutResidualShortcuts rewrites every residual merge to alpha = 0, the same model with its
 * shortcuts removed, for the comparison that shows what they do for the gradient.
 */
import { SkipconnError, validateGraph, type Graph, type GraphInput, type HostTensor, type NodeSpec, type SkipConnection, type ValidatedGraph, type ValueInfo, type WeightStore, float32Values } from '@skipconn/core';
import { compileTfjs, onBackend, type TfRuntime } from './compile';
import { importOptional } from './backends';
import type { Tensor } from './tf';

export interface MergeGradient {
  readonly merge: string;
  /** L2 norm of dL/d(from): the gradient at the fork, through both paths. */
  readonly fork: number;
  /** L2 norm of dL/d(input) for each data input as the merge reads it (residual: [shortcut, body]). */
  readonly inputs: number[];
}

export interface GradientFlow {
  /** L = 1/2 * sum of y^2 over the graph outputs, at the given inputs. */
  readonly loss: number;
  /** One entry per skip, in the order given. */
  readonly merges: MergeGradient[];
}

const PROBE = '__gradient_probe';

/** The data inputs of a merge: a residual's learned scales are weights, not paths. */
function dataInputCount(node: NodeSpec): number {
  return node.op === 'residual' ? 2 : node.inputs.length;
}

interface ProbedGraph {
  readonly graph: Graph;
  /** Probe input name of each skip's fork. */
  readonly forkProbes: string[];
  /** Probe input names of each skip's merge data inputs. */
  readonly inputProbes: string[][];
}

/** Inserts the probes described above; see the file comment. */
export function withGradientProbes(vg: ValidatedGraph, skips: readonly SkipConnection[]): ProbedGraph {
  // Mutable copies: the rewiring below edits input lists in place.
  type EditableNode = Omit<NodeSpec, 'inputs'> & { inputs: string[] };
  const nodes: EditableNode[] = vg.nodes.map((n) => ({ ...n.spec, inputs: [...n.spec.inputs] }));
  let outputs = [...vg.graph.outputs];
  const probes: GraphInput[] = [];
  let count = 0;
  // A probed value has the shape and layout of the value it stands for.
  const probedInfo = new Map<string, ValueInfo>();
  const probe = (value: string): { input: string; probed: string; node: EditableNode } => {
    const info = vg.values.get(value) ?? probedInfo.get(value)!;
    const k = count++;
    const input = `${PROBE}${k}`;
    probes.push({ name: input, dtype: info.dtype, shape: info.shape, ...(info.layout !== undefined ? { layout: info.layout } : {}) });
    const probed = `${PROBE}${k}.value`;
    probedInfo.set(probed, info);
    return { input, probed, node: { name: `${PROBE}${k}.add`, op: 'add', inputs: [value, input], outputs: [probed] } };
  };

  const forkProbe = new Map<string, string>();
  for (const from of new Set(skips.map((s) => s.from))) {
    const p = probe(from);
    for (const n of nodes) n.inputs = n.inputs.map((i) => (i === from ? p.probed : i));
    outputs = outputs.map((o) => (o === from ? p.probed : o));
    // Right after the producer (at the front for a graph input), so the file order stays topological.
    const at = nodes.findIndex((n) => n.outputs.includes(from));
    nodes.splice(at + 1, 0, p.node);
    forkProbe.set(from, p.input);
  }
  const inputProbes = skips.map((s) => {
    const at = nodes.findIndex((n) => n.name === s.merge);
    const merge = nodes[at]!;
    const names: string[] = [];
    for (let i = 0; i < dataInputCount(merge); i++) {
      const p = probe(merge.inputs[i]!);
      merge.inputs[i] = p.probed;
      nodes.splice(nodes.indexOf(merge), 0, p.node);
      names.push(p.input);
    }
    return names;
  });
  return {
    graph: { ...vg.graph, inputs: [...vg.graph.inputs, ...probes], outputs, nodes },
    forkProbes: skips.map((s) => forkProbe.get(s.from)!),
    inputProbes,
  };
}

/** The same graph with every residual shortcut removed (alpha = 0; a learned alpha is dropped). */
export function cutResidualShortcuts(graph: Graph): Graph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      if (n.op !== 'residual') return n;
      const attrs: Record<string, unknown> = { ...(n.attrs ?? {}) };
      const inputs = [...n.inputs];
      if (attrs['alpha'] === 'learned') inputs.splice(2, 1);
      attrs['alpha'] = 0;
      return { ...n, inputs, attrs };
    }),
  };
}

const LAYERS_FIX = 'npm install @tensorflow/tfjs-layers@4.22.0';

/**
 * tfjs-core's CommonJS bundle registers no gradients; @tensorflow/tfjs-layers registers all of
 * tfjs-core's (into the one global registry), as the @tensorflow/tfjs bundle does.
 */
async function ensureGradients(runtime: TfRuntime): Promise<void> {
  if (runtime.tf.getGradient('AddN') !== undefined) return;
  const adapter = `tfjs:${runtime.backend}`;
  if ((await importOptional(adapter, '@tensorflow/tfjs-layers', LAYERS_FIX)) === undefined || runtime.tf.getGradient('AddN') === undefined) {
    throw new SkipconnError('UNSUPPORTED', `gradient flow needs tfjs-core's gradients, which @tensorflow/tfjs-layers registers; it is not installed (${LAYERS_FIX})`);
  }
}

/**
 * Comparisons tfjs registers no gradient for. They are piecewise constant, so their derivative is
 * zero wherever it exists; the maxPool2d (NaN propagation) and clip kernels build on them.
 */
export const COMPARISON_KERNELS = ['Greater', 'Less', 'LessEqual', 'Equal', 'NotEqual'] as const;

/** Registers a zero gradient for each comparison kernel that has none (a tfjs-global registry). */
function ensureComparisonGradients(runtime: TfRuntime): void {
  const { tf } = runtime;
  for (const kernelName of COMPARISON_KERNELS) {
    if (tf.getGradient(kernelName) !== undefined) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => ({ a: () => tf.zerosLike(saved[0]!), b: () => tf.zerosLike(saved[1]!) }),
    });
  }
}

function l2(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v * v;
  return Math.sqrt(sum);
}

/**
 * Gradient norms at every skip of `vg` for the given inputs, computed on `runtime` (tfjs:cpu in
 * the CLI). Throws SkipconnError('UNSUPPORTED') naming the op when tfjs has no gradient for it.
 */
export async function gradientFlow(runtime: TfRuntime, vg: ValidatedGraph, weights: WeightStore, feeds: Readonly<Record<string, HostTensor>>, skips: readonly SkipConnection[]): Promise<GradientFlow> {
  await ensureGradients(runtime);
  ensureComparisonGradients(runtime);
  const probed = withGradientProbes(vg, skips);
  const pvg = validateGraph(probed.graph);
  const compiled = await compileTfjs(runtime, pvg, weights);
  const { tf } = runtime;
  const probeNames = [...new Set([...probed.forkProbes, ...probed.inputProbes.flat()])];
  try {
    const [loss, grads] = await onBackend(runtime, () =>
      tf.tidy(() => {
        const given: Record<string, Tensor> = {};
        for (const input of vg.graph.inputs) given[input.name] = tf.tensor(float32Values(feeds[input.name]!), [...input.shape], 'float32');
        const zeros = probeNames.map((name) => tf.zeros([...pvg.values.get(name)!.shape]));
        const lossOf = (...ps: Tensor[]): Tensor => {
          const all = { ...given };
          probeNames.forEach((name, i) => (all[name] = ps[i]!));
          const ys = compiled.runTensors(all);
          return tf.addN(ys.map((y) => tf.mul(0.5, tf.sum(tf.square(y))))) as Tensor;
        };
        // No skip, nothing to probe: tf.grads wants at least one tensor to differentiate by.
        if (zeros.length === 0) return [lossOf().dataSync()[0]!, [] as number[]] as const;
        let result: { value: Tensor; grads: Tensor[] };
        try {
          const { value, grads } = tf.valueAndGrads(lossOf)(zeros);
          result = { value, grads };
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          throw new SkipconnError('UNSUPPORTED', `tfjs cannot differentiate this model: ${message.split('\n')[0]}`);
        }
        return [result.value.dataSync()[0]!, result.grads.map((g) => l2(g.dataSync() as Float32Array))] as const;
      }),
    );
    const norm = new Map(probeNames.map((name, i) => [name, grads[i]!]));
    return {
      loss,
      merges: skips.map((s, i) => ({ merge: s.merge, fork: norm.get(probed.forkProbes[i]!)!, inputs: probed.inputProbes[i]!.map((p) => norm.get(p)!) })),
    };
  } finally {
    await compiled.dispose();
  }
}
