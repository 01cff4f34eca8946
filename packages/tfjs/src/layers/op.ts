/**
 * SkipconnOp: one IR op as a serializable tfjs layer, computed by the same tfjs kernel the
 * tfjs:* adapters use. The LayersModel exporter uses it only where Keras has no layer with the
 * op's exact semantics (a matmul of two activations, sub/div or broadcasting elementwise ops,
 * average pooling that counts padding in ceil mode, half-pixel bilinear resize, reflect/edge pad,
 * ...); everything else becomes standard Keras layers.
 *
 * Config: { op, attrs, inputs: [{ shape, layout?, dtype?, constant? }] }. Shapes are full (batch
 * first) and physical: the op runs on the tensors exactly as the layer receives them. Constant
 * inputs are the layer's (non-trainable) weights `input<i>`; the others are the layer's inputs, in
 * order. `dtype` is 'int32' for int32 inputs (float32 when absent). An int32 output is typed
 * int32 on the layer's symbolic output: tfjs-layers types every layer output float32 and its
 * executor casts each output to that type before the next layer reads it, so without this an
 * int32 index would travel on as float32. An op with several outputs (topK: values and int32
 * indices) is one layer with several output tensors, as tfjs-layers allows (a layer whose
 * computeOutputShape gives a list of shapes gets one symbolic tensor each; the topology refers to
 * them by tensor index); each is typed by its own dtype.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GRAPH_FORMAT, GRAPH_VERSION, SkipconnError, UnsupportedError, inferOpOutputs, sizeOf, unsupportedReason, validateGraph, type Attrs, type Graph, type Layout, type ValidatedNode } from '@skipconn/core';
import { TFJS_KERNELS, TFJS_OPS, compileTfjsKernel, type CompiledKernel } from '../kernels';
import { identityPerm } from '../plan/perm';
import type { Tensor } from '../tf';
import { irAttrValue } from '../layers-model/spelling';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];

/** The tensor dtypes a SkipconnOp reads and writes. */
export type SkipOpDtype = 'float32' | 'int32';

export interface SkipOpInput {
  /** Full shape, batch first, as the layer receives the tensor. */
  readonly shape: readonly number[];
  readonly layout?: Layout;
  /** 'int32' for int32 tensors; float32 when absent. */
  readonly dtype?: SkipOpDtype;
  /** A weight of the layer rather than a layer input. */
  readonly constant?: boolean;
}

export interface SkipOpArgs extends NonNullable<LayerArgs> {
  readonly op: string;
  readonly attrs?: Attrs;
  readonly inputs: readonly SkipOpInput[];
}

/** The one-node IR graph a SkipconnOp config describes, validated (errors name the layer); its outputs are `name`, then `name:1`, ... */
export function opLayerNode(name: string, op: string, attrs: Attrs, inputs: readonly SkipOpInput[]): ValidatedNode {
  const names = inputs.map((_, i) => `input${i}`);
  // Constants are graph inputs here too: only their infos matter, and a weight could not carry a layout.
  const graphInputs = inputs.map((info, i) => ({ name: names[i]!, dtype: info.dtype ?? 'float32', shape: [...info.shape], ...(info.layout ? { layout: info.layout } : {}) }));
  const count = inferOpOutputs(op, attrs, graphInputs, { node: name, op }).length;
  const outputs = Array.from({ length: count }, (_, i) => (i === 0 ? name : `${name}:${i}`));
  const graph: Graph = {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    inputs: graphInputs,
    outputs,
    weights: [],
    nodes: [{ name, op, inputs: names, outputs, attrs }],
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

function inputDtype(v: unknown, layer: string, index: number): SkipOpDtype | undefined {
  if (v === undefined || v === null || v === 'float32') return undefined;
  if (v === 'int32') return 'int32';
  throw new SkipconnError('INPUT_INVALID', `SkipconnOp layer '${layer}': input ${index} has dtype ${JSON.stringify(v)}; expected 'float32' or 'int32'`);
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
    this.inputInfos = args.inputs.map((i, k) => {
      const layout = irLayout(i.layout);
      const dtype = inputDtype(i.dtype, this.name, k);
      return { shape: [...i.shape], ...(layout ? { layout } : {}), ...(dtype ? { dtype } : {}), ...(i.constant ? { constant: true } : {}) };
    });
    const why = unsupportedReason(TFJS_KERNELS, this.op);
    if (why !== undefined) throw new UnsupportedError(`op '${this.op}' (${why})`, { node: this.name, op: this.op }, TFJS_OPS);
    this.node = opLayerNode(this.name, this.op, this.attrs, this.inputInfos);
  }

  override build(_inputShape: tfl.Shape | tfl.Shape[]): void {
    this.inputInfos.forEach((info, i) => {
      this.constants[i] = info.constant ? this.addWeight(`input${i}`, [...info.shape], info.dtype ?? 'float32', tfl.initializers.zeros(), undefined, false) : undefined;
    });
    this.built = true;
  }

  override computeOutputShape(_inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    const shapes = this.node.outputs.map((o) => [...o.shape]);
    return shapes.length === 1 ? shapes[0]! : shapes;
  }

  /** The dtype of the op's first output (int32 for argMax, int32 arithmetic, casts to int32, ...). */
  get outputDtype(): SkipOpDtype {
    return this.outputDtypes[0]!;
  }

  /** The dtype of each of the op's outputs (topK: its values', then int32). */
  get outputDtypes(): SkipOpDtype[] {
    return this.node.outputs.map((o) => (o.dtype === 'int32' ? 'int32' : 'float32'));
  }

  override apply(inputs: tf.Tensor | tf.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[], kwargs?: Record<string, unknown>): tf.Tensor | tf.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[] {
    const out = super.apply(inputs, kwargs);
    // tfjs-layers types every symbolic output float32 (see the module comment); an int32 output says int32.
    const dtypes = this.outputDtypes;
    (Array.isArray(out) ? out : [out]).forEach((t, i) => {
      if (t instanceof tfl.SymbolicTensor && dtypes[i] === 'int32') (t as { dtype: string }).dtype = 'int32';
    });
    return out;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const given = Array.isArray(inputs) ? inputs : [inputs];
      const dtypes = this.outputDtypes;
      let outs: tf.Tensor[];
      if (this.node.outputs.every((o) => sizeOf(o.shape) === 0)) {
        outs = this.node.outputs.map((o, i) => tf.zeros([...o.shape], dtypes[i]));
      } else {
        let next = 0;
        const all = this.inputInfos.map((info, i) => (info.constant ? this.constants[i]!.read() : given[next++]!));
        outs = this.compiled().run(all) as tf.Tensor[];
      }
      return outs.length === 1 ? outs[0]! : outs;
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
