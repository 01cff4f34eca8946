/**
 * The tfjs GraphModel file format (what tensorflowjs_converter writes): `model.json` with
 * "format": "graph-model" (older files lack the field), a TensorFlow GraphDef in JSON form under
 * modelTopology.node, and a weights manifest that holds every Const node's value by node name.
 * Plain data types only; nothing here loads tfjs.
 *
 * A node is TF's NodeDef in proto3 JSON: { name, op, input: ['x', 'y:1', '^control'], attr }.
 * Attribute values are one of: { s: base64 }, { i: '123' } (int64 as a string), { f }, { b },
 * { type: 'DT_FLOAT' }, { shape: { dim: [{ size: '-1' }] } }, { tensor }, { list: { i | s | f | ... } }.
 */
import type { WeightsManifestGroup } from '../layers-model/format';

export const GRAPH_MODEL_FORMAT = 'graph-model';

export interface TfAttrValue {
  readonly s?: string;
  readonly i?: string | number;
  readonly f?: number;
  readonly b?: boolean;
  readonly type?: string;
  readonly shape?: { readonly dim?: readonly { readonly size?: string | number }[]; readonly unknownRank?: boolean };
  readonly tensor?: TfTensorJson;
  readonly list?: { readonly s?: readonly string[]; readonly i?: readonly (string | number)[]; readonly f?: readonly number[]; readonly b?: readonly boolean[] };
}

/** A TensorProto in JSON form (inline constants; weights come from the manifest instead). */
export interface TfTensorJson {
  readonly dtype?: string;
  readonly tensorShape?: { readonly dim?: readonly { readonly size?: string | number }[] };
  readonly floatVal?: readonly number[];
  readonly intVal?: readonly number[];
  readonly int64Val?: readonly (string | number)[];
  readonly tensorContent?: string;
}

export interface TfNodeJson {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Readonly<Record<string, TfAttrValue>>;
}

export interface GraphModelJson {
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
  readonly modelTopology: { readonly node: readonly TfNodeJson[]; readonly library?: { readonly function?: readonly unknown[] }; readonly versions?: unknown };
  readonly weightsManifest: WeightsManifestGroup[];
  /** Input and output tensors by signature key, e.g. outputs: { Identity: { name: 'Identity:0' } }. */
  readonly signature?: { readonly inputs?: Readonly<Record<string, { readonly name?: string }>>; readonly outputs?: Readonly<Record<string, { readonly name?: string }>> };
}

/** A GraphModel in memory: model.json and the bytes of its weight files, concatenated in manifest order. */
export interface GraphModelArtifacts {
  readonly modelJson: GraphModelJson;
  readonly weightData: Uint8Array;
}

/**
 * True for a GraphModel's model.json: "format": "graph-model", or (files written before the
 * field existed) no format and a modelTopology with a node list, where a LayersModel has a Keras
 * class_name/config.
 */
export function isGraphModelJson(json: unknown): json is GraphModelJson {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const j = json as { format?: unknown; modelTopology?: unknown };
  if (j.format === GRAPH_MODEL_FORMAT) return true;
  if (j.format !== undefined || typeof j.modelTopology !== 'object' || j.modelTopology === null) return false;
  return Array.isArray((j.modelTopology as { node?: unknown }).node);
}
