/**
 * tfjs LayersModel (Keras functional or Sequential topology + weights) -> validated IR graph with
 * NHWC values. Each Keras layer call becomes one or a few IR nodes (a fused activation is its own
 * node); Add / Concatenate / Multiply of forking values become the residual / concat / gate
 * merges, and a relu right after a residual merge folds into it (ResNet v1), so `findSkips` lists
 * a Keras ResNet's skips as it lists a PyTorch one's. Unsupported layers raise UnsupportedError
 * naming the class, the layer and the supported classes.
 */
import { manifestQuantization, type WeightQuantization } from '../export/quantize';
import { FileFormatError, SkipconnError, UnsupportedError, clipUserText, pad as padOp, readIntList, validateGraph, type Graph, type HostTensor, type Layout, type ValidatedGraph } from '@skipconn/core';
import { DEFAULT_WEIGHTS_FILE, OP_LAYER_CLASS, SKIP_LAYER_CLASSES, type LayersModelArtifacts } from '../format';
import { ImportGraph, keraslayout } from './graph';
import { parseTopology, refKey, type LayerCall, type Topology } from './topology';
import { decodeWeights, findWeight } from './weights';
import type { CallContext, Converter } from './context';
import * as core from './convert-core';
import * as image from './convert-image';

const CONVERTERS: Readonly<Record<string, Converter>> = {
  Activation: core.activation,
  Add: core.add,
  AveragePooling2D: image.averagePooling2D,
  BatchNormalization: image.batchNormalization,
  Concatenate: core.concatenate,
  Conv2D: image.conv2D,
  Conv2DTranspose: image.conv2DTranspose,
  Dense: core.dense,
  DepthwiseConv2D: image.depthwiseConv2D,
  Dropout: core.identity,
  Flatten: core.flatten,
  GaussianDropout: core.identity,
  GaussianNoise: core.identity,
  AlphaDropout: core.identity,
  GlobalAveragePooling2D: image.globalAveragePooling2D,
  LayerNormalization: core.layerNormalization,
  MaxPooling2D: image.maxPooling2D,
  Multiply: core.multiply,
  Permute: core.permute,
  ReLU: core.reLU,
  Rescaling: core.rescaling,
  Reshape: core.reshape,
  Resizing: image.resizing,
  SeparableConv2D: image.separableConv2D,
  Softmax: core.softmax,
  SpatialDropout2D: core.identity,
  Subtract: core.subtract,
  UpSampling2D: image.upSampling2D,
  ZeroPadding2D: image.zeroPadding2D,
  [SKIP_LAYER_CLASSES.residual]: core.skipResidual,
  [SKIP_LAYER_CLASSES.concat]: core.skipConcat,
  [SKIP_LAYER_CLASSES.highway]: core.skipHighway,
  [SKIP_LAYER_CLASSES.gate]: core.skipGate,
  [OP_LAYER_CLASS]: core.skipOp,
};

/** Layer classes the importer reads (InputLayer besides). */
export const SUPPORTED_LAYERS: readonly string[] = Object.keys(CONVERTERS).sort();

export interface LayersModelImportOptions {
  /** File names for error messages (default 'model.json' and the manifest's paths). */
  readonly file?: string;
  readonly weightsFile?: string;
  /** Size bound to an unknown (null) batch dimension (default 1). */
  readonly batch?: number;
  /** Full input shapes by input layer name, for inputs with other unknown dims. */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Turn Add/Concatenate/Multiply of forking values into merges and fold a following relu (default true). */
  readonly recognizeSkips?: boolean;
}

export interface LayersModelImport {
  readonly graph: Graph;
  readonly weights: Map<string, HostTensor>;
  readonly validated: ValidatedGraph;
  /** Facts of the source: the Keras/tfjs version and what generated the file. */
  readonly source: { readonly kerasVersion?: string; readonly generatedBy?: string; readonly weightQuantization?: WeightQuantization };
}

/** Input layout: NHWC by rank, NCHW for a rank-4 input read only by Permute([2, 3, 1]) (an exported NCHW model). */
function inputLayout(topology: Topology, layer: string, rank: number): Layout | undefined {
  if (rank !== 4) return keraslayout(rank);
  const readers = topology.calls.filter((c) => c.inputs.some((r) => r.layer === layer));
  const toNhwc = (c: LayerCall) => c.className === 'Permute' && (c.config['dims'] as number[] | undefined)?.join() === '2,3,1';
  return readers.length > 0 && readers.every(toNhwc) ? 'NCHW' : 'NHWC';
}

export function importLayersModel(artifacts: LayersModelArtifacts, options: LayersModelImportOptions = {}): LayersModelImport {
  const file = options.file ?? 'model.json';
  const json = artifacts.modelJson;
  if (typeof json !== 'object' || json === null || json.modelTopology === undefined || json.modelTopology === null) {
    throw new FileFormatError(file, 'not a tfjs LayersModel: expected a JSON object with "modelTopology" and "weightsManifest"');
  }
  const weightsFile = options.weightsFile ?? json.weightsManifest?.flatMap((g) => g.paths).join(', ') ?? DEFAULT_WEIGHTS_FILE;
  const topology = parseTopology(json, file);
  const kerasWeights = decodeWeights(json, artifacts.weightData, weightsFile);
  const g = new ImportGraph();
  const values = new Map<string, string>();

  for (const input of topology.inputs) {
    const given = options.inputShapes?.[input.layer];
    const shape = given ?? input.shape.map((d, i) => (d === null ? (i === 0 ? (options.batch ?? 1) : NaN) : d));
    if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new SkipconnError(
        'INPUT_INVALID',
        `${file}: input '${clipUserText(input.layer)}' has dimensions [${input.shape.map((d) => d ?? 'null').join(',')}] that are unknown or not non-negative safe integers; give its full shape (inputShapes)`,
      );
    }
    values.set(refKey({ layer: input.layer, node: 0, tensor: 0 }), g.input(input.layer, shape, inputLayout(topology, input.layer, shape.length), input.dtype));
  }

  const irWeights = new Map<string, string>();
  const recognize = options.recognizeSkips ?? true;
  for (const call of topology.calls) {
    const convert = Object.hasOwn(CONVERTERS, call.className) ? CONVERTERS[call.className] : undefined;
    if (convert === undefined) throw new UnsupportedError(`layer class ${clipUserText(String(call.className))}`, { node: call.layer, op: call.className }, SUPPORTED_LAYERS);
    const inputs = call.inputs.map((r) => {
      const v = values.get(refKey(r));
      if (v === undefined) throw new FileFormatError(file, `layer '${call.layer}': input ${refKey(r)} is not available (no earlier layer call gives that output)`);
      return v;
    });
    const ctx: CallContext = {
      g,
      call,
      name: call.node === 0 ? call.layer : `${call.layer}#${call.node}`,
      inputs,
      file,
      kerasWeight: (name, shape) => findWeight(kerasWeights, call.layer, name, weightsFile, shape),
      irWeight: (key, make) => {
        const k = `${call.layer}/${key}`;
        let name = irWeights.get(k);
        if (name === undefined) {
          name = g.weight(`${call.layer}/${key.split(':')[0]}`, make());
          irWeights.set(k, name);
        }
        return name;
      },
    };
    const plainMerges = !recognize && ['Add', 'Concatenate', 'Multiply'].includes(call.className);
    const out = plainMerges ? plainMerge(ctx) : convert(ctx);
    (typeof out === 'string' ? [out] : out).forEach((v, tensor) => values.set(refKey({ layer: call.layer, node: call.node, tensor }), v));
  }

  const outputs = topology.outputs.map((r) => {
    const v = values.get(refKey(r));
    if (v === undefined) throw new FileFormatError(file, `output ${refKey(r)} is not produced by any layer`);
    return v;
  });
  fuseZeroPadding(g, outputs);
  if (recognize) foldActivations(g, outputs);
  const graph = g.graph(topology.name, outputs);
  const validated = validateGraph(graph);
  const mj = json.modelTopology as { keras_version?: string };
  const weightQuantization = manifestQuantization(json.weightsManifest);
  return { graph, weights: g.weights, validated, source: { kerasVersion: mj.keras_version, generatedBy: json.generatedBy, ...(weightQuantization ? { weightQuantization } : {}) } };
}

/** Add / Concatenate / Multiply as plain ops (recognizeSkips false). */
function plainMerge(c: CallContext): string {
  const op = c.call.className === 'Add' ? 'add' : c.call.className === 'Multiply' ? 'mul' : 'concat';
  if (op === 'concat')
    return c.g.node(
      'concat',
      c.inputs.map((v) => c.g.withLayout(v, keraslayout(c.g.info(v).shape.length))),
      {},
      c.name,
    );
  return c.inputs.slice(1).reduce((acc, v, i) => c.g.node(op, [acc, v], {}, i === c.inputs.length - 2 ? c.name : `${c.name}.${i}`), c.inputs[0]!);
}

/**
 * ZeroPadding2D before a 'valid' Conv2D (or AveragePooling2D, whose divisor then counts the
 * zeros) is one op with explicit pads in the IR: the exporter writes PyTorch's asymmetric or
 * strided padding that way, and this gives the original conv back.
 */
export function fuseZeroPadding(g: ImportGraph, outputs: readonly string[]): void {
  const readers = new Map<string, number>();
  for (const n of g.nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  const drop = new Set<string>();
  g.nodes = g.nodes.map((n) => {
    if (n.op !== 'conv2d' && n.op !== 'avgPool2d') return n;
    const pad = g.producer(n.inputs[0]!);
    const a = n.attrs ?? {};
    const ref = { node: n.name, op: n.op };
    const own = readIntList(a, 'pads', [0, 0, 0, 0], ref, 4);
    if (pad === undefined || pad.op !== 'pad' || readers.get(pad.outputs[0]!) !== 1 || outputs.includes(pad.outputs[0]!)) return n;
    // The converters wrote these attrs, so they parse; parsing gives the defaults typed.
    const p = padOp.parseAttrs(pad.attrs ?? {}, { node: pad.name, op: pad.op });
    if (p.mode !== 'constant' || p.value !== 0) return n;
    if (n.op === 'avgPool2d' && own.some((v) => v !== 0)) return n;
    const pads = own.map((v, i) => v + p.pads[i]!);
    // The IR keeps pooling pads below the kernel (no window of padding only).
    const kernel = n.op === 'avgPool2d' ? readIntList(a, 'kernel', [], ref, 2) : [];
    if (n.op === 'avgPool2d' && (pads[0]! >= kernel[0]! || pads[2]! >= kernel[0]! || pads[1]! >= kernel[1]! || pads[3]! >= kernel[1]!)) return n;
    drop.add(pad.name);
    return { ...n, inputs: [pad.inputs[0]!, ...n.inputs.slice(1)], attrs: { ...a, pads, ...(n.op === 'avgPool2d' ? { countIncludePad: true } : {}) } };
  });
  g.nodes = g.nodes.filter((n) => !drop.has(n.name));
}

const FOLDABLE = new Set(['relu', 'sigmoid', 'tanh', 'silu']);

/**
 * A residual merge followed by an activation that is its only reader becomes one merge with that
 * activation (ResNet v1: add, then relu), as the ONNX importer does.
 */
export function foldActivations(g: ImportGraph, outputs: string[]): void {
  const readers = new Map<string, number>();
  for (const n of g.nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  const drop = new Set<string>();
  const rename = new Map<string, string>();
  g.nodes = g.nodes.map((n) => {
    if (n.op !== 'residual' || (n.attrs?.['activation'] ?? 'none') !== 'none' || outputs.includes(n.outputs[0]!) || readers.get(n.outputs[0]!) !== 1) return n;
    const act = g.nodes.find((m) => m.inputs.includes(n.outputs[0]!));
    if (act === undefined || !FOLDABLE.has(act.op) || act.inputs.length !== 1) return n;
    drop.add(act.name);
    rename.set(act.outputs[0]!, n.outputs[0]!);
    return { ...n, attrs: { ...(n.attrs ?? {}), activation: act.op } };
  });
  if (drop.size === 0) return;
  const resolve = (v: string) => rename.get(v) ?? v;
  g.nodes = g.nodes.filter((n) => !drop.has(n.name)).map((n) => ({ ...n, inputs: n.inputs.map(resolve) }));
  outputs.forEach((o, i) => (outputs[i] = resolve(o)));
}
