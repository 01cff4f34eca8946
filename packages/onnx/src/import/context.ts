/**
 * State of one ONNX -> IR import: constants (initializers and folded values), the IR value each
 * ONNX value became, and the IR nodes emitted so far, each shape-inferred as it is emitted with
 * the core's own op definitions, so converters always know static shapes and layouts.
 */
import { GraphError, inferOpOutputs, type Attrs, type GraphInput, type HostTensor, type Layout, type NodeRef, type NodeSpec, type ValueInfo } from '@skipconn/core';
import type { NodeProto } from '../proto/types';
import type { TensorLimits } from '../tensor';
import { NodeAttrs, nodeRef } from './attrs';

/** A mutable IR node while importing (skip rewriting edits nodes in place). */
export interface DraftNode {
  name: string;
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, unknown>;
}

export class ImportContext {
  /** ONNX value -> constant tensor (initializers, Constant nodes, folded values). */
  readonly consts = new Map<string, HostTensor>();
  /** ONNX value -> IR value name. */
  readonly values = new Map<string, string>();
  /** IR value -> inferred info. */
  readonly infos = new Map<string, ValueInfo>();
  /** IR weights (constants used as operands), by IR name. */
  readonly weights = new Map<string, HostTensor>();
  readonly inputs: GraphInput[] = [];
  readonly nodes: DraftNode[] = [];
  /** IR value -> the draft node producing it. */
  readonly producers = new Map<string, DraftNode>();
  /** IR value -> number of IR uses so far. */
  readonly uses = new Map<string, number>();
  /** ONNX value -> the constant's IR weight name, once it is used as an operand. */
  private readonly weightOf = new Map<string, string>();
  /** ONNX value -> the ONNX nodes reading it. */
  readonly consumers = new Map<string, NodeProto[]>();
  /** ONNX graph output names. */
  readonly graphOutputs = new Set<string>();
  /** ONNX nodes already handled as part of a fused pattern; the main loop skips them. */
  readonly consumed = new Set<NodeProto>();
  /** ONNX value -> the ONNX node producing it. */
  readonly onnxProducers = new Map<string, NodeProto>();
  private readonly usedNames: Set<string>;
  private readonly nodeNames = new Set<string>();
  /** Next suffix to try per base name in fresh() and freshNode(). */
  private readonly nextValueSuffix = new Map<string, number>();
  private readonly nextNodeSuffix = new Map<string, number>();

  constructor(
    readonly opset: number,
    readonly file: string,
    readonly limits: TensorLimits,
    onnxNames: Iterable<string>,
  ) {
    this.usedNames = new Set(onnxNames);
  }

  /** True when an ONNX value is read by some node or is a graph output. */
  isUsed(onnxName: string): boolean {
    return this.graphOutputs.has(onnxName) || (this.consumers.get(onnxName)?.length ?? 0) > 0;
  }

  /** The only ONNX node reading a value, when there is exactly one and the value is not a graph output. */
  soleConsumer(onnxName: string): NodeProto | undefined {
    const c = this.consumers.get(onnxName);
    return c !== undefined && c.length === 1 && !this.graphOutputs.has(onnxName) ? c[0] : undefined;
  }

  attrs(node: NodeProto): NodeAttrs {
    return new NodeAttrs(node, this.file, this.limits);
  }

  fresh(base: string): string {
    // Names are only ever added, so suffixes tried before for this base are still taken: start
    // after them (a model whose 100k nodes share one name stays linear).
    let i = this.nextValueSuffix.get(base) ?? 1;
    let name = base;
    while (this.usedNames.has(name) || this.infos.has(name)) name = `${base}__${i++}`;
    this.nextValueSuffix.set(base, i);
    this.usedNames.add(name);
    return name;
  }

  freshNode(base: string): string {
    let i = this.nextNodeSuffix.get(base) ?? 1;
    let name = base;
    while (this.nodeNames.has(name)) name = `${base}_${i++}`;
    this.nextNodeSuffix.set(base, i);
    this.nodeNames.add(name);
    return name;
  }

  isConst(onnxName: string): boolean {
    return this.consts.has(onnxName);
  }

  const(onnxName: string): HostTensor | undefined {
    return this.consts.get(onnxName);
  }

  /** Static info of an ONNX value, constant or not. */
  infoOf(onnxName: string): ValueInfo | undefined {
    const c = this.consts.get(onnxName);
    if (c !== undefined) return { dtype: c.dtype, shape: c.shape };
    const v = this.values.get(onnxName);
    return v === undefined ? undefined : this.infos.get(v);
  }

  /** The IR value for an ONNX value: a node output or graph input, or a constant turned into a weight. */
  operand(onnxName: string, node: NodeProto): string {
    const v = this.values.get(onnxName);
    if (v !== undefined) return v;
    const c = this.consts.get(onnxName);
    if (c !== undefined) {
      let w = this.weightOf.get(onnxName);
      if (w === undefined) {
        w = this.addWeight(onnxName, c);
        this.weightOf.set(onnxName, w);
      }
      return w;
    }
    throw new GraphError('GRAPH_INVALID', nodeRef(node), `input '${onnxName}' is not defined`, { expected: 'a graph input, an initializer or an earlier node output', received: `'${onnxName}'` });
  }

  /** Adds a weight under a fresh IR name derived from `hint`. */
  addWeight(hint: string, t: HostTensor): string {
    const name = this.weightOf.has(hint) || this.infos.has(hint) ? this.fresh(`${hint}__w`) : hint;
    this.usedNames.add(name);
    this.weights.set(name, t);
    this.infos.set(name, { dtype: t.dtype, shape: [...t.shape] });
    return name;
  }

  addInput(name: string, info: ValueInfo): void {
    this.inputs.push({ name, dtype: info.dtype, shape: [...info.shape], ...(info.layout ? { layout: info.layout } : {}) });
    this.infos.set(name, info);
    this.values.set(name, name);
  }

  /**
   * Emits one IR node with shape inference. `output` names the IR output (an ONNX output name
   * to keep the model's names; default a fresh name). Returns the output name.
   */
  emit(op: string, inputs: readonly string[], attrs: Attrs, source: NodeProto | string, output?: string): string {
    const base = typeof source === 'string' ? source : source.name || `${source.opType}_${source.output[0] ?? ''}`;
    const name = this.freshNode(base);
    const out = output !== undefined && !this.infos.has(output) ? output : this.fresh(output ?? `${name}__out`);
    this.usedNames.add(out);
    const ref: NodeRef = { node: name, op };
    const [info] = inferOpOutputs(
      op,
      attrs,
      inputs.map((i) => this.infos.get(i)!),
      ref,
    );
    const draft: DraftNode = { name, op, inputs: [...inputs], outputs: [out], attrs: { ...attrs } };
    this.nodes.push(draft);
    this.producers.set(out, draft);
    this.infos.set(out, info!);
    for (const i of inputs) this.uses.set(i, (this.uses.get(i) ?? 0) + 1);
    return out;
  }

  /**
   * Emits one IR node with several outputs (topK: values and indices), each named by its entry in
   * `outputs` where that name is free (else a fresh one). Returns the output names in order.
   */
  emitOutputs(op: string, inputs: readonly string[], attrs: Attrs, source: NodeProto, outputs: readonly string[]): string[] {
    const name = this.freshNode(source.name || `${source.opType}_${source.output[0] ?? ''}`);
    const names = outputs.map((o) => (o !== '' && !this.infos.has(o) ? o : this.fresh(`${name}__out`)));
    for (const n of names) this.usedNames.add(n);
    const infos = inferOpOutputs(
      op,
      attrs,
      inputs.map((i) => this.infos.get(i)!),
      { node: name, op },
    );
    const draft: DraftNode = { name, op, inputs: [...inputs], outputs: names, attrs: { ...attrs } };
    this.nodes.push(draft);
    names.forEach((n, i) => {
      this.producers.set(n, draft);
      this.infos.set(n, infos[i]!);
    });
    for (const i of inputs) this.uses.set(i, (this.uses.get(i) ?? 0) + 1);
    return names;
  }

  bind(onnxName: string, irName: string): void {
    this.values.set(onnxName, irName);
  }

  info(irName: string): ValueInfo {
    return this.infos.get(irName)!;
  }

  /**
   * Gives an IR value the layout a consumer needs. Where no IR node has read the value yet and it
   * is a graph input, or comes from a reshape/transpose that can declare a layout, the label is
   * set in place; otherwise a reshape to the same shape declares it (a relabel, no data moves).
   */
  withLayout(irName: string, layout: Layout, source: NodeProto): string {
    const info = this.infos.get(irName)!;
    if (info.layout === layout) return irName;
    const unused = (this.uses.get(irName) ?? 0) === 0;
    const producer = this.producers.get(irName);
    if (unused && producer !== undefined && (producer.op === 'reshape' || producer.op === 'transpose') && info.layout === undefined) {
      producer.attrs['layout'] = layout;
      this.infos.set(irName, { ...info, layout });
      return irName;
    }
    if (unused && producer?.op === 'slice' && info.layout === undefined && this.labelSlicedView(producer.inputs[0]!, layout)) return irName;
    const input = this.inputs.findIndex((i) => i.name === irName);
    if (unused && input >= 0) {
      this.inputs[input] = { ...this.inputs[input]!, layout };
      this.infos.set(irName, { ...info, layout });
      return irName;
    }
    return this.emit('reshape', [irName], { shape: [...info.shape], layout }, `${source.name || source.opType}/layout`);
  }

  /**
   * Labels `source`, a reshape or transpose output without a layout that only slices read, with
   * `layout` in place, and every one of those slices' outputs with it (a slice keeps its input's
   * layout). Only while no slice output has a reader yet, so no node emitted so far saw those
   * values without the label. ShuffleNetV2's channel shuffle (reshape, transpose, reshape) feeds
   * two slices, and the label saves a relabelling reshape after each. Returns whether it did.
   */
  private labelSlicedView(source: string, layout: Layout): boolean {
    const producer = this.producers.get(source);
    const info = this.infos.get(source)!;
    if (producer === undefined || (producer.op !== 'reshape' && producer.op !== 'transpose') || info.layout !== undefined || info.shape.length !== 4) return false;
    const readers = this.nodes.filter((n) => n.inputs.includes(source));
    if (readers.length !== (this.uses.get(source) ?? 0) || readers.some((n) => n.op !== 'slice' || (this.uses.get(n.outputs[0]!) ?? 0) > 0)) return false;
    producer.attrs['layout'] = layout;
    this.infos.set(source, { ...info, layout });
    for (const n of readers) this.infos.set(n.outputs[0]!, { ...this.infos.get(n.outputs[0]!)!, layout });
    return true;
  }

  spec(d: DraftNode): NodeSpec {
    return Object.keys(d.attrs).length > 0 ? { name: d.name, op: d.op, inputs: d.inputs, outputs: d.outputs, attrs: d.attrs } : { name: d.name, op: d.op, inputs: d.inputs, outputs: d.outputs };
  }
}
