/**
 * State of one export: the Keras builder, what each plan key holds (a Keras tensor, or a weight
 * converted once on the host), and the record of which nodes needed the SkipconnOp fallback.
 */
import { UnsupportedError, channelAxis, type DType, runReferenceKernel, toFloat64, type Attrs, type F64Tensor, type Layout, type OpType, type ValidatedGraph, type ValidatedNode, type WeightStore } from '@skipconn/core';
import type { ConvertStep, Conversion, LayoutPlan, PlannedNode, PlannedNodeOf } from '../../plan/layout';
import { CHANNELS_LAST, isIdentity, permEquals, physicalAxis, type Perm } from '../../plan/perm';
import { OP_LAYER_CLASS } from '../format';
import { f32, reshapeF32, transposeF32, type F32, type I32 } from '../host';
import { KerasModelBuilder, type KerasRef } from './builder';

/**
 * One input of a node as the emitter sees it: a Keras tensor, a float constant (a converted
 * weight), or an int32 constant kept exact (`ints`; only SkipconnOp layers read int32 values).
 */
export type ExportInput =
  | { readonly ref: KerasRef; readonly constant?: undefined; readonly ints?: undefined }
  | { readonly ref?: undefined; readonly constant: F32; readonly ints?: undefined }
  | { readonly ref?: undefined; readonly constant?: undefined; readonly ints: I32 };

/** The shape, layout and dtype of a SkipconnOp input as the layer receives it. */
export interface OpLayerInputInfo {
  readonly shape: readonly number[];
  readonly layout?: Layout;
  readonly dtype?: DType;
}

/** Writes the Keras layers for one planned node of op K (its attrs typed by the op) and returns its output, or its outputs in order (topK). */
export type Emitter<K extends OpType> = (ctx: ExportContext, p: PlannedNodeOf<K>) => KerasRef | readonly KerasRef[];

/** An emitter that reads no attributes, so it serves any op's slot (activations, binaries, reshapes). */
export type AnyOpEmitter = (ctx: ExportContext, p: PlannedNode) => KerasRef;

/** A node that became a SkipconnOp layer, and why. */
export interface OpLayerUse {
  readonly node: string;
  readonly op: string;
  readonly reason: string;
}

export class ExportContext {
  readonly keras: KerasModelBuilder;
  readonly opLayers: OpLayerUse[] = [];
  private readonly env = new Map<string, ExportInput>();
  private readonly conversions: Map<string, Conversion>;
  /** Logical values of folded constant nodes. */
  private readonly logical = new Map<string, F64Tensor>();

  constructor(
    readonly vg: ValidatedGraph,
    readonly weights: WeightStore,
    readonly plan: LayoutPlan,
  ) {
    this.keras = new KerasModelBuilder(vg.graph.name ?? 'skipconn');
    this.conversions = new Map(plan.conversions.map((c) => [c.key, c]));
  }

  set(key: string, value: ExportInput): void {
    this.env.set(key, value);
  }

  /** What a plan key holds; constants (weights and their conversions) are made on first use. */
  get(key: string): ExportInput {
    const known = this.env.get(key);
    if (known !== undefined) return known;
    const w = this.weights.get(key);
    if (w !== undefined) {
      const value: ExportInput = w.dtype === 'int32' ? { ints: { shape: [...w.shape], data: w.data as Int32Array } } : { constant: f32(w) };
      this.env.set(key, value);
      return value;
    }
    const conv = this.conversions.get(key);
    if (conv === undefined) throw new Error(`@skipconn/tfjs bug: plan key '${key}' has no value`);
    const from = this.get(conv.from);
    const relaid = <T extends F32 | I32>(host: T): T => conv.steps.reduce((t, s) => (s.kind === 'transpose' ? transposeF32(t, s.perm) : reshapeF32(t, s.shape)), host);
    const value: ExportInput = from.constant !== undefined ? { constant: relaid(from.constant) } : from.ints !== undefined ? { ints: relaid(from.ints) } : { ref: this.convertRef(from.ref, conv.steps, conv.value) };
    this.env.set(key, value);
    return value;
  }

  /**
   * Folds a node whose inputs are all constants (a class token transposed once): the reference
   * kernel computes it on the logical values, and its output is stored as the plan says, as a
   * constant that later nodes read like a weight. Returns false for any other node.
   */
  foldIfConstant(p: PlannedNode): boolean {
    const node = p.node;
    if (node.spec.inputs.length === 0 || !node.spec.inputs.every((i) => this.logical.has(i) || this.weights.has(i))) return false;
    const inputs = node.spec.inputs.map((i) => this.logical.get(i) ?? { shape: this.weights.get(i)!.shape, data: toFloat64(this.weights.get(i)!) });
    const [out] = runReferenceKernel(node, inputs);
    this.logical.set(node.spec.outputs[0]!, out!);
    const perm = p.outputPerms[0]!;
    const stored = <T extends F32 | I32>(value: T): T => (isIdentity(perm) ? value : transposeF32(value, perm));
    const shape = [...out!.shape];
    // The reference kernel's int32 results are exact integers in float64; they stay int32 here.
    this.set(node.spec.outputs[0]!, node.outputs[0]!.dtype === 'int32' ? { ints: stored({ shape, data: Int32Array.from(out!.data) }) } : { constant: stored({ shape, data: Float32Array.from(out!.data) }) });
    return true;
  }

  /** The inputs of a planned node, in order. */
  inputs(p: PlannedNode): ExportInput[] {
    return p.inputKeys.map((k) => this.get(k));
  }

  /**
   * Storage changes of activations as Keras layers: Permute or Reshape (SkipconnOp when the batch
   * axis moves, and for int32 values, which a standard layer would hand on as float32).
   */
  convertRef(ref: KerasRef, steps: readonly ConvertStep[], value: string): KerasRef {
    let out = ref;
    const dtype = this.vg.values.get(value)?.dtype;
    if (dtype === 'int32') {
      for (const step of steps) {
        if (step.kind === 'transpose' && isIdentity(step.perm)) continue;
        const shape = step.kind === 'reshape' ? step.shape : step.perm.map((a) => out.shape[a]!);
        const attrs = step.kind === 'reshape' ? { shape: [...step.shape] } : { perm: [...step.perm] };
        out = this.opLayer(`${value}.${step.kind}`, step.kind, attrs, [{ ref: out }], [{ shape: out.shape, dtype }], shape, INT32_REASON);
      }
      return out;
    }
    for (const step of steps) {
      if (step.kind === 'reshape') {
        out =
          step.shape[0] === out.shape[0]
            ? this.keras.reshape(out, step.shape, `${value}.reshape`)
            : this.opLayer(`${value}.reshape`, 'reshape', { shape: [...step.shape] }, [{ ref: out }], [{ shape: out.shape }], step.shape, 'the reshape changes the batch axis');
      } else if (isIdentity(step.perm)) {
        continue;
      } else if (step.perm[0] === 0) {
        const shape = step.perm.map((a) => out.shape[a]!);
        out = this.keras.layer('Permute', `${value}.permute`, { dims: step.perm.slice(1) }, [out], shape);
      } else {
        const shape = step.perm.map((a) => out.shape[a]!);
        out = this.opLayer(`${value}.transpose`, 'transpose', { perm: [...step.perm] }, [{ ref: out }], [{ shape: out.shape }], shape, 'the transpose moves the batch axis');
      }
    }
    return out;
  }

  /**
   * A SkipconnOp layer computing `op` on the physical tensors. `infos` give each input's physical
   * shape and layout; constants become the layer's weights.
   */
  opLayer(base: string, op: string, attrs: Attrs, inputs: readonly ExportInput[], infos: readonly OpLayerInputInfo[], outShape: readonly number[], reason: string): KerasRef {
    return this.opLayerOutputs(base, op, attrs, inputs, infos, [outShape], reason)[0]!;
  }

  /** `opLayer` for an op with an output per shape in `outShapes` (topK): one layer, one output tensor each. */
  opLayerOutputs(base: string, op: string, attrs: Attrs, inputs: readonly ExportInput[], infos: readonly OpLayerInputInfo[], outShapes: readonly (readonly number[])[], reason: string): KerasRef[] {
    const refs = inputs.flatMap((i) => (i.ref !== undefined ? [i.ref] : []));
    if (refs.length === 0) {
      throw new UnsupportedError(`a node that reads only weights (op ${op})`, { node: base, op }, ['nodes with at least one activation input; fold constant subgraphs before export']);
    }
    const config = {
      op,
      attrs,
      inputs: inputs.map((input, i) => ({
        shape: [...infos[i]!.shape],
        ...(infos[i]!.layout ? { layout: infos[i]!.layout } : {}),
        // float32 is the default; int32 is written so the layer types its tensors and weights.
        ...(infos[i]!.dtype === 'int32' ? { dtype: 'int32' } : {}),
        ...(input.ref === undefined ? { constant: true } : {}),
      })),
    };
    const weights = inputs.flatMap((input, i) => {
      const value = input.constant ?? input.ints;
      return value !== undefined ? [{ name: `input${i}`, value }] : [];
    });
    this.opLayers.push({ node: base, op, reason });
    return this.keras.layerOutputs(OP_LAYER_CLASS, base, config, refs, outShapes, weights);
  }

  /** A node as a SkipconnOp on its physical inputs (the fallback for ops Keras cannot express exactly). */
  nodeAsOpLayer(p: PlannedNode, reason: string, attrs: Attrs = p.node.spec.attrs ?? {}): KerasRef {
    if (p.node.outputs.length !== 1) throw new Error(`@skipconn/tfjs bug: node '${p.node.spec.name}' (${p.node.spec.op}) has ${p.node.outputs.length} outputs; use nodeAsOpLayerOutputs`);
    return this.nodeAsOpLayerOutputs(p, reason, attrs)[0]!;
  }

  /** `nodeAsOpLayer` with every output of the node (topK: values and indices), in order. */
  nodeAsOpLayerOutputs(p: PlannedNode, reason: string, attrs: Attrs = p.node.spec.attrs ?? {}): KerasRef[] {
    const infos = p.inputShapes.map((shape, i) => ({ shape, layout: physicalLayout(p.node.inputs[i]!.layout, p.node.inputs[i]!.shape.length, p.inputPerms[i]!, shape.length), dtype: p.node.inputs[i]!.dtype }));
    return this.opLayerOutputs(p.node.spec.name, p.node.spec.op, attrs, this.inputs(p), infos, p.outputShapes, reason);
  }
}

/**
 * Why int32 values are computed by SkipconnOp layers only: tfjs-layers types the output of every
 * standard layer float32 (its guessOutputDType) and its executor casts each layer's output to
 * that type before the next layer reads it, which is exact only below 2^24 and feeds float
 * indices to gathers. SkipconnOp types its int32 outputs int32.
 */
export const INT32_REASON = 'int32 values: tfjs-layers hands the output of a standard layer on as float32 (exact only below 2^24); SkipconnOp keeps int32';

/** The layout of a value as stored: NCHW kept channels-last reads as NHWC; other re-layouts have none. */
export function physicalLayout(layout: Layout | undefined, rank: number, perm: Perm, physicalRank: number): Layout | undefined {
  if (layout === undefined || physicalRank !== rank) return undefined;
  if (isIdentity(perm)) return layout;
  if (layout === 'NCHW' && permEquals(perm, CHANNELS_LAST)) return 'NHWC';
  return undefined;
}

/** The physical channel axis of a node's output (for skip layers and BatchNormalization). */
export function physicalChannel(node: ValidatedNode, perm: Perm): number {
  return physicalAxis(perm, channelAxis(node.outputs[0]!.layout!));
}

/** Raised by an emitter whose Keras layer cannot take the node's inputs as they are; the node becomes a SkipconnOp. */
export class NeedsOpLayer extends Error {}

/** A Keras tensor input; a constant there sends the node to the SkipconnOp fallback (it holds constants as weights). */
export function refOf(input: ExportInput, node: ValidatedNode, what: string): KerasRef {
  if (input.ref !== undefined) return input.ref;
  throw new NeedsOpLayer(`${what} of ${node.spec.op} is a constant, which the Keras layer cannot take`);
}

/** A constant input or undefined. */
export function constantOf(input: ExportInput | undefined): F32 | undefined {
  return input?.constant;
}
