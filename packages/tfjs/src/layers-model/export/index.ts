/**
 * IR -> tfjs LayersModel (model.json with a Keras functional topology + one weight file) that
 * plain `tf.loadLayersModel` loads: standard Keras layers wherever one computes the IR's numbers
 * exactly, and the layers `@skipconn/tfjs/layers` registers (listed in `customLayers`) elsewhere.
 *
 * Layout: inside, image ops run channels-last (Keras layers are NHWC); the layout plan puts a
 * Permute at the graph boundary only, and converts weights once here (conv kernels, dense
 * kernels, per-channel vectors). The model keeps the source's input and output layout by default,
 * so an ONNX-derived NCHW model still takes NCHW input; `layout: 'NHWC'` makes NCHW inputs and
 * outputs channels-last instead (no Permute at all for a pure conv net).
 */
import type { WeightQuantization } from './quantize';
import { SkipconnError, UnsupportedError, formatShape, isUnsupported, shapesEqual, type Layout, type OpType, type ValidatedGraph, type WeightStore } from '@skipconn/core';
import { conversionSteps, type PlannedNode, type PlannedNodeOf } from '../../plan/layout';
import { CHANNELS_LAST, identityPerm, isIdentity, physicalShape, type Perm } from '../../plan/perm';
import { OP_LAYER_CLASS, SKIP_LAYER_CLASSES, type KerasModelJson, type LayersModelArtifacts } from '../format';
import { ExportContext, INT32_REASON, NeedsOpLayer, type OpLayerUse } from './context';
import { slice as sliceOf } from './ops-other';
import { EXPORTABLE_OPS, LAYERS_MODEL_EXPORTS, checkExportable, planExport } from './plan';
import type { KerasRef } from './builder';

/** Ops whose SkipconnOp runs on the tensors as stored whatever their axis order (elementwise, or broadcasting inputs the plan stores alike). */
const ELEMENTWISE_INT32_OPS: ReadonlySet<OpType> = new Set<OpType>(['cast', 'add', 'sub', 'mul', 'floorDiv', 'equal']);

/**
 * A node that reads or writes int32 as a SkipconnOp (INT32_REASON): with its IR attributes when
 * its values are stored in the IR's axis order or the op is elementwise, the slice emitter's
 * physical window for a slice; any other re-laid int32 node is refused naming it.
 */
function emitInt32Node(ctx: ExportContext, p: PlannedNode): KerasRef | readonly KerasRef[] {
  const logical = [...p.inputPerms, ...p.outputPerms].every((perm) => isIdentity(perm));
  if (logical || ELEMENTWISE_INT32_OPS.has(p.node.type)) return ctx.nodeAsOpLayerOutputs(p, INT32_REASON);
  if (p.node.type === 'slice') return sliceOf(ctx, p as PlannedNodeOf<'slice'>);
  const relaid = p.node.inputs.findIndex((_, i) => !isIdentity(p.inputPerms[i]!));
  throw new UnsupportedError(
    `op '${p.node.type}' on int32 values stored in another axis order than the IR's (input ${relaid < 0 ? 'order kept, output re-laid' : relaid}, dtype int32) in a LayersModel export`,
    { node: p.node.spec.name, op: p.node.type },
    ['int32 values in the IR axis order (no layout), or elementwise int32 ops and slices'],
  );
}

/** Writes one planned node with its op's emitter (the node's attrs reach it typed by the op). */
function emitNode<K extends OpType>(ctx: ExportContext, p: PlannedNodeOf<K>): KerasRef | readonly KerasRef[] {
  const entry = LAYERS_MODEL_EXPORTS[p.node.type];
  if (isUnsupported(entry)) throw new UnsupportedError(`op '${p.node.type}' in a LayersModel export (${entry.reason})`, { node: p.node.spec.name, op: p.node.type }, EXPORTABLE_OPS);
  return entry.emit(ctx, p);
}

export interface LayersModelExportOptions {
  /**
   * Layout of the exported model's image inputs and outputs. 'source' (default) keeps the
   * graph's; 'NHWC' makes NCHW inputs and outputs channels-last.
   */
  readonly layout?: 'source' | 'NHWC';
  /** Name of the weight file in the manifest (default 'group1-shard1of1.bin'). */
  readonly weightsFile?: string;
  /** Store the weights quantized as tensorflowjs_converter does (./quantize.ts); default float32. */
  readonly quantize?: WeightQuantization;
}

/** A graph input or output as the exported model has it. */
export interface ExportedValue {
  /** The IR value. */
  readonly name: string;
  /** The Keras layer that takes or gives it. */
  readonly layer: string;
  /** Which of that layer's output tensors gives it, when not the first (topK's indices: 1). */
  readonly index?: number;
  /** Its shape in the exported model (batch first). */
  readonly shape: readonly number[];
  /** Its layout in the exported model. */
  readonly layout?: Layout;
  /** The permutation from the IR value to the exported one (identity unless layout 'NHWC' moved it). */
  readonly perm: readonly number[];
}

export interface LayersModelExport extends LayersModelArtifacts {
  readonly inputs: readonly ExportedValue[];
  readonly outputs: readonly ExportedValue[];
  /** Nodes that became SkipconnOp layers (Keras has no exact standard layer for them), with the reason. */
  readonly opLayers: readonly OpLayerUse[];
  /**
   * The layer classes of the model that `@skipconn/tfjs/layers` registers (sorted). Empty: the
   * model has standard Keras layers only, and plain tfjs loads it.
   */
  readonly customLayers: readonly string[];
}

const CUSTOM_CLASSES: ReadonlySet<string> = new Set([...Object.values(SKIP_LAYER_CLASSES), OP_LAYER_CLASS]);

function externalPerm(info: { shape: readonly number[]; layout?: Layout }, layout: 'source' | 'NHWC'): Perm {
  return layout === 'NHWC' && info.layout === 'NCHW' ? CHANNELS_LAST : identityPerm(info.shape.length);
}

function exported(name: string, ref: Pick<KerasRef, 'layer' | 'index'>, info: { shape: readonly number[]; layout?: Layout }, perm: Perm): ExportedValue {
  const moved = perm === CHANNELS_LAST;
  const layout = moved ? 'NHWC' : info.layout;
  return { name, layer: ref.layer, ...(ref.index ? { index: ref.index } : {}), shape: physicalShape(info.shape, perm), ...(layout ? { layout } : {}), perm: [...perm] };
}

export function exportLayersModel(vg: ValidatedGraph, weights: WeightStore, options: LayersModelExportOptions = {}): LayersModelExport {
  for (const w of vg.weightNames) {
    if (!weights.has(w)) throw new SkipconnError('INPUT_INVALID', `weight '${w}' is missing from the weight store`);
  }
  const layout = options.layout ?? 'source';
  if (layout !== 'source' && layout !== 'NHWC') throw new SkipconnError('USAGE', `layout: expected 'source' or 'NHWC', received ${JSON.stringify(layout)}`);
  for (const [name, info] of vg.values) {
    if (info.dtype !== 'float32' && info.dtype !== 'float16' && info.dtype !== 'int32') {
      const producer = vg.producers.get(name);
      throw new UnsupportedError(`dtype ${info.dtype} (value '${name}') in a LayersModel export`, producer ? { node: producer.spec.name, op: producer.spec.op } : {}, [
        'float32',
        'float16 (exported as float32)',
        'int32',
      ]);
    }
  }
  checkExportable(vg);
  const plan = planExport(vg);
  const ctx = new ExportContext(vg, weights, plan);

  const inputs = vg.graph.inputs.map((input) => {
    const ext = externalPerm(input, layout);
    const ref = ctx.keras.input(input.name, physicalShape(input.shape, ext), input.dtype === 'int32' ? 'int32' : 'float32');
    const stored = plan.storage.get(input.name)!;
    const key = plan.inputs.find((i) => i.name === input.name)!.key;
    ctx.set(key, { ref: ctx.convertRef(ref, conversionSteps(input.shape, ext, { perm: stored, rank: input.shape.length }), input.name) });
    return exported(input.name, ref, input, ext);
  });

  for (const p of plan.nodes) {
    // A node that reads only weights is computed here, once, and becomes a constant.
    if (ctx.foldIfConstant(p)) continue;
    let written: KerasRef | readonly KerasRef[];
    try {
      written = [...p.node.inputs, ...p.node.outputs].some((v) => v.dtype === 'int32') ? emitInt32Node(ctx, p) : emitNode(ctx, p);
    } catch (err) {
      if (!(err instanceof NeedsOpLayer)) throw err;
      written = ctx.nodeAsOpLayerOutputs(p, err.message);
    }
    const refs: readonly KerasRef[] = 'layer' in written ? [written] : written;
    if (refs.length !== p.node.outputs.length) {
      throw new Error(`@skipconn/tfjs bug: the Keras layers for node '${p.node.spec.name}' (${p.node.spec.op}) give ${refs.length} outputs where the node has ${p.node.outputs.length}`);
    }
    refs.forEach((ref, i) => {
      if (!shapesEqual(ref.shape, p.outputShapes[i]!)) {
        throw new Error(`@skipconn/tfjs bug: the Keras layers for node '${p.node.spec.name}' (${p.node.spec.op}) give ${formatShape(ref.shape)} where the plan says ${formatShape(p.outputShapes[i])}`);
      }
      ctx.set(p.node.spec.outputs[i]!, { ref });
    });
  }

  const outputs = vg.graph.outputs.map((name) => {
    const info = vg.values.get(name)!;
    if (vg.weightNames.has(name)) throw new UnsupportedError(`graph output '${name}', a weight,`, {}, ['outputs computed from the graph inputs']);
    const key = plan.inputs.find((i) => i.name === name)?.key ?? name;
    const ext = externalPerm(info, layout);
    const steps = conversionSteps(info.shape, plan.storage.get(name)!, { perm: ext, rank: info.shape.length });
    const stored = ctx.get(key);
    if (stored.ref === undefined) throw new UnsupportedError(`graph output '${name}', computed from weights only,`, {}, ['outputs computed from the graph inputs']);
    const ref = ctx.convertRef(stored.ref, steps, name);
    return { ref, value: exported(name, ref, info, ext) };
  });

  const artifacts = ctx.keras.build(
    outputs.map((o) => o.ref),
    options.weightsFile,
    options.quantize,
  );
  // The builder always writes a functional model (class_name 'Model'), never a nested model_config.
  const layers = (artifacts.modelJson.modelTopology as KerasModelJson).config.layers;
  const customLayers = [...new Set(layers.map((l) => l.class_name).filter((c) => CUSTOM_CLASSES.has(c)))].sort();
  return { ...artifacts, inputs, outputs: outputs.map((o) => o.value), opLayers: ctx.opLayers, customLayers };
}
