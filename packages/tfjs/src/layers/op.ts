/**
 * SkipconnOp: one IR op as a serializable tfjs layer, computed by the same tfjs kernel the
 * tfjs:* adapters use. The LayersModel exporter uses it only where Keras has no layer with the
 * op's exact semantics (a matmul of two activations, sub/div or broadcasting elementwise ops,
 * average pooling that counts padding in ceil mode, half-pixel bilinear resize, reflect/edge pad,
 * ...); everything else becomes standard Keras layers.
 *
 * Config: { op, attrs, inputs: [{ shape, layout?, constant? }] }. Shapes are full (batch first) and
 * physical: the op runs on the tensors exactly as the layer receives them. Constant inputs are
 * the layer's (non-trainable) weights `input<i>`; the others are the layer's inputs, in order.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GRAPH_FORMAT, GRAPH_VERSION, SkipconnError, UnsupportedError, sizeOf, unsupportedReason, validateGraph, type Attrs, type Graph, type Layout, type ValidatedNode } from '@skipconn/core';
import { TFJS_KERNELS, TFJS_OPS, compileTfjsKernel, type CompiledKernel } from '../kernels';
import { identityPerm } from '../plan/perm';
import type { Tensor } from '../tf';
import { irAttrValue } from '../layers-model/spelling';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];

export interface SkipOpInput {
  /** Full shape, batch first, as the layer receives the tensor. */
  readonly shape: readonly number[];
  readonly layout?: Layout;
  /** A weight of the layer rather than a layer input. */
  readonly constant?: boolean;
}

export interface SkipOpArgs extends NonNullable<LayerArgs> {
  readonly op: string;
  readonly attrs?: Attrs;
  readonly inputs: readonly SkipOpInput[];
}

/** The one-node IR graph a SkipconnOp config describes, validated (errors name the layer). */
export function opLayerNode(name: string, op: string, attrs: Attrs, inputs: readonly SkipOpInput[]): ValidatedNode {
  const names = inputs.map((_, i) => `input${i}`);
  const graph: Graph = {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    // Constants are graph inputs here too: only their infos matter, and a weight could not carry a layout.
    inputs: inputs.map((info, i) => ({ name: names[i]!, dtype: 'float32' as const, shape: [...info.shape], ...(info.layout ? { layout: info.layout } : {}) })),
    outputs: [name],
    weights: [],
    nodes: [{ name, op, inputs: names, outputs: [name], attrs }],
  };
  return validateGraph(graph).nodes[0]!;
}

/**
 * A layer config holds JSON values only; IR attributes are JSON too (numbers, strings, booleans,
 * lists and objects of them), so this copies them over checking each value, and names the layer
 * if something else (a function, a bigint) was put there.
 */
function configValue(v: unknown, layer: string): tf.serialization.ConfigDictValue {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x: unknown) => configValue(x, layer));
  if (typeof v === 'object') return configDict(v, layer);
  throw new SkipconnError('INPUT_INVALID', `SkipconnOp layer '${layer}': an attribute holds a ${typeof v}, which a layer config cannot; expected numbers, strings, booleans, lists or objects of them`);
}

function configDict(v: object, layer: string): tf.serialization.ConfigDict {
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => [k, configValue(x, layer)]),
  );
}

function irLayout(v: unknown): Layout | undefined {
  return typeof v === 'string' ? (v.toUpperCase() as Layout) : undefined;
}

export class SkipOp extends tfl.layers.Layer {
  static readonly className = 'SkipconnOp';
  readonly op: string;
  readonly attrs: Attrs;
  readonly inputInfos: readonly SkipOpInput[];
  private readonly node: ValidatedNode;
  private readonly constants: (tfl.LayerVariable | undefined)[] = [];
  private kernel?: CompiledKernel;
  private kept: Tensor[] = [];

  constructor(args: SkipOpArgs) {
    super(args);
    this.op = args.op;
    this.attrs = irAttrValue(args.attrs ?? {}) as Attrs;
    this.inputInfos = args.inputs.map((i) => {
      const layout = irLayout(i.layout);
      return { shape: [...i.shape], ...(layout ? { layout } : {}), ...(i.constant ? { constant: true } : {}) };
    });
    const why = unsupportedReason(TFJS_KERNELS, this.op);
    if (why !== undefined) throw new UnsupportedError(`op '${this.op}' (${why})`, { node: this.name, op: this.op }, TFJS_OPS);
    this.node = opLayerNode(this.name, this.op, this.attrs, this.inputInfos);
  }

  override build(_inputShape: tfl.Shape | tfl.Shape[]): void {
    this.inputInfos.forEach((info, i) => {
      this.constants[i] = info.constant ? this.addWeight(`input${i}`, [...info.shape], 'float32', tfl.initializers.zeros(), undefined, false) : undefined;
    });
    this.built = true;
  }

  override computeOutputShape(_inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return [...this.node.outputs[0]!.shape];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const given = Array.isArray(inputs) ? inputs : [inputs];
      const shape = [...this.node.outputs[0]!.shape];
      if (sizeOf(shape) === 0) return tf.zeros(shape);
      let next = 0;
      const all = this.inputInfos.map((info, i) => (info.constant ? this.constants[i]!.read() : given[next++]!));
      return this.compiled().run(all)[0]! as tf.Tensor;
    });
  }

  /** Compiles the kernel on first use; its compile-time tensors (index tables) live until dispose. */
  private compiled(): CompiledKernel {
    if (this.kernel === undefined) {
      const node = this.node;
      this.kernel = compileTfjsKernel(node, {
        tf,
        inputPerms: node.inputs.map((i) => identityPerm(i.shape.length)),
        inputShapes: node.inputs.map((i) => i.shape),
        outputPerms: node.outputs.map((o) => identityPerm(o.shape.length)),
        outputShapes: node.outputs.map((o) => o.shape),
        constant: () => undefined,
        keep: (t) => {
          this.kept.push(tf.keep(t));
          return t;
        },
      });
    }
    return this.kernel;
  }

  override dispose(): ReturnType<tfl.layers.Layer['dispose']> {
    const result = super.dispose();
    if (result.refCountAfterDispose === 0) {
      tf.dispose(this.kept);
      this.kept = [];
      this.kernel = undefined;
    }
    return result;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      op: this.op,
      attrs: configDict(this.attrs, this.name),
      inputs: this.inputInfos.map((i) => configDict({ ...i, shape: [...i.shape] }, this.name)),
    };
  }
}
