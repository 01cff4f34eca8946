/**
 * IR -> ONNX ModelProto. Every IR op maps to standard ONNX ops of the chosen opset (default 17;
 * 13 to 21 are accepted), all weights become initializers, and the bytes are deterministic:
 * the same graph and weights always give the same file.
 */
import { GraphError, UnsupportedError, implementedOps, isUnsupported, type OpType, type Unsupported, type ValidatedGraph, type ValidatedNodeOf, type WeightStore } from '@skipconn/core';
import { encodeModel } from '../proto/encode';
import type { ModelProto, ValueInfoProto } from '../proto/types';
import { ONNX_TYPE_OF } from '../tensor';
import { ExportContext } from './context';
import { ELEMENTWISE_EXPORTERS } from './ops/elementwise';
import { IMAGE_EXPORTERS } from './ops/image';
import { LINEAR_EXPORTERS } from './ops/linear';
import { MERGE_EXPORTERS } from './ops/merges';
import type { OpExporter } from './ops/types';

/** Every op's ONNX export: a missing op is a compile error here. */
export const EXPORTERS: { readonly [K in OpType]: OpExporter<K> | Unsupported } = {
  ...MERGE_EXPORTERS,
  ...ELEMENTWISE_EXPORTERS,
  ...IMAGE_EXPORTERS,
  ...LINEAR_EXPORTERS,
};

function exportNode<K extends OpType>(node: ValidatedNodeOf<K>, ctx: ExportContext): void {
  const exporter = EXPORTERS[node.type];
  if (isUnsupported(exporter)) throw new UnsupportedError(`op ${node.type} has no ONNX export (${exporter.reason}), so it`, { node: node.spec.name, op: node.type }, implementedOps(EXPORTERS));
  exporter(node, ctx);
}

export const DEFAULT_OPSET = 17;
export const MIN_EXPORT_OPSET = 13;
export const MAX_EXPORT_OPSET = 21;

export interface ExportOptions {
  /** ONNX opset of the default domain (13..21, default 17). Below 17 layerNorm is decomposed. */
  readonly opset?: number;
  /** Graph name in the model (default: the IR graph's name or 'skipconn'). */
  readonly graphName?: string;
  readonly producerVersion?: string;
  /**
   * Write each ceil-mode pool that floor mode can compute as a floor-mode pool with larger end
   * pads (maxPool2d; avgPool2d without countIncludePad, whose divisor ignores padding): the same
   * windows, so the same numbers, for runtimes without ceil_mode (onnxruntime-web's WebGPU EP).
   * Default false: the file keeps ceil_mode as the IR has it.
   */
  readonly floorModePools?: boolean;
  /**
   * Write gatherNd as Gather on x with the indexed axes merged by a Reshape, the flat index
   * computed from the coordinates with int32 Slice, Mul and Add: the same elements, for runtimes
   * whose GatherND is wrong (onnxruntime-web's WebGPU EP for coordinates of length 1 and 4).
   * Default false: GatherND.
   */
  readonly gatherNdAsGather?: boolean;
}

/** IR version that goes with an opset (ONNX's versioning table). */
function irVersionFor(opset: number): number {
  if (opset <= 13) return 7;
  if (opset <= 15) return 8;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

export function exportModel(vg: ValidatedGraph, weights: WeightStore, options: ExportOptions = {}): ModelProto {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!Number.isSafeInteger(opset) || opset < MIN_EXPORT_OPSET || opset > MAX_EXPORT_OPSET) {
    throw new GraphError('ATTRIBUTE_INVALID', {}, 'unsupported export opset', { expected: `an integer in [${MIN_EXPORT_OPSET}, ${MAX_EXPORT_OPSET}]`, received: String(opset) });
  }
  const ctx = new ExportContext(vg, weights, opset, { floorModePools: options.floorModePools ?? false, gatherNdAsGather: options.gatherNdAsGather ?? false });
  for (const node of vg.nodes) {
    exportNode(node, ctx);
  }
  // Graph outputs in logical order under their IR names. An output that is a graph input or a
  // weight gets an Identity so that the ONNX output is a node output, which every runtime accepts.
  const outputNames: string[] = [];
  for (const out of vg.graph.outputs) {
    let name = ctx.get(out);
    if (vg.inputNames.has(out) || vg.weightNames.has(out) || outputNames.includes(name)) {
      const id = ctx.temp(`${out}__output`);
      ctx.node('Identity', [name], [id]);
      name = id;
    }
    outputNames.push(name);
  }
  const valueInfo = (name: string, irName: string): ValueInfoProto => {
    const v = vg.values.get(irName)!;
    return { name, type: { tensor: { elemType: ONNX_TYPE_OF[v.dtype], shape: v.shape.map((d) => ({ value: d })) } } };
  };
  return {
    irVersion: irVersionFor(opset),
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'skipconn',
    producerVersion: options.producerVersion ?? '0.1.0',
    domain: '',
    modelVersion: 0,
    docString: '',
    graph: {
      name: options.graphName ?? vg.graph.name ?? 'skipconn',
      node: ctx.nodes,
      initializer: ctx.initializers,
      input: vg.graph.inputs.map((i) => valueInfo(i.name, i.name)),
      output: vg.graph.outputs.map((o, i) => valueInfo(outputNames[i]!, o)),
      valueInfo: [],
      sparseInitializerCount: 0,
    },
    metadataProps: [],
    functionCount: 0,
  };
}

/** IR -> ONNX bytes. */
export function exportOnnx(vg: ValidatedGraph, weights: WeightStore, options: ExportOptions = {}): Uint8Array {
  return encodeModel(exportModel(vg, weights, options));
}
