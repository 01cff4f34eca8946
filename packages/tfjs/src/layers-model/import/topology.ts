/**
 * Reads a Keras model topology (functional 'Model'/'Functional', or 'Sequential') into a flat list
 * of layer calls in topological order. Accepts both inbound-node formats: Keras 2 / tfjs
 * ([[layer, node, tensor, kwargs], ...]) and Keras 3 ({ args: [keras tensors], kwargs }). Config
 * keys are camel-cased, so 'batch_input_shape' and 'batchInputShape' read the same.
 */
import { FileFormatError, UnsupportedError, clipUserText } from '@skipconn/core';
import type { LayersModelJson } from '../format';
import { camelKeys } from '../spelling';

export type Config = Readonly<Record<string, unknown>>;

/** A Keras tensor: output `tensor` of application `node` of layer `layer`. */
export interface TensorRef {
  readonly layer: string;
  readonly node: number;
  readonly tensor: number;
}

export interface LayerCall {
  readonly layer: string;
  readonly className: string;
  readonly config: Config;
  /** Which application of the layer this is (shared layers have several). */
  readonly node: number;
  readonly inputs: readonly TensorRef[];
}

export interface KerasInput {
  readonly layer: string;
  /** Full shape; null for unknown dims (the batch, usually). */
  readonly shape: readonly (number | null)[];
  /** The InputLayer's dtype: float32 unless it says int32. */
  readonly dtype: 'float32' | 'int32';
}

export interface Topology {
  readonly name: string;
  readonly inputs: readonly KerasInput[];
  readonly calls: readonly LayerCall[];
  readonly outputs: readonly TensorRef[];
}

export function refKey(r: TensorRef): string {
  return `${r.layer}:${r.node}:${r.tensor}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseRef(v: unknown, file: string, where: string): TensorRef {
  // Keras 3: { class_name: '__keras_tensor__', config: { keras_history: [layer, node, tensor] } }
  if (isObject(v) && isObject(v['config']) && Array.isArray((v['config'] as Record<string, unknown>)['kerasHistory'])) {
    return parseRef((v['config'] as Record<string, unknown>)['kerasHistory'], file, where);
  }
  if (Array.isArray(v) && typeof v[0] === 'string' && Number.isSafeInteger(v[1] ?? 0) && Number.isSafeInteger(v[2] ?? 0)) {
    return { layer: v[0], node: (v[1] as number | undefined) ?? 0, tensor: (v[2] as number | undefined) ?? 0 };
  }
  throw new FileFormatError(file, `${where}: expected a tensor reference [layer, node, tensor], received ${JSON.stringify(v)?.slice(0, 200)}`);
}

function parseInbound(node: unknown, file: string, where: string): TensorRef[] {
  if (isObject(node) && Array.isArray(node['args'])) {
    const refs: TensorRef[] = [];
    const visit = (a: unknown): void => {
      if (Array.isArray(a) && !(typeof a[0] === 'string')) a.forEach(visit);
      else if (isObject(a) && a['className'] === '__keras_tensor__') refs.push(parseRef(a, file, where));
    };
    node['args'].forEach(visit);
    return refs;
  }
  if (!Array.isArray(node)) throw new FileFormatError(file, `${where}: expected a list of inputs, received ${JSON.stringify(node)?.slice(0, 200)}`);
  return node.map((r) => parseRef(r, file, where));
}

/** An input layer's dtype; the ones tfjs feeds besides float32 and int32 (bool, complex64, string) are refused naming the layer. */
function inputDtype(config: Config, layer: string): 'float32' | 'int32' {
  const dtype = config['dtype'];
  if (dtype === undefined || dtype === null || dtype === 'float32') return 'float32';
  if (dtype === 'int32') return 'int32';
  throw new UnsupportedError(`input dtype ${clipUserText(JSON.stringify(dtype))}`, { node: layer, op: 'InputLayer' }, ['float32', 'int32']);
}

function inputShape(config: Config): (number | null)[] | undefined {
  const shape = config['batchInputShape'] ?? config['batchShape'];
  return Array.isArray(shape) ? (shape as (number | null)[]) : undefined;
}

/** Parses model.json's modelTopology. Errors name the file and what is wrong. */
export function parseTopology(json: LayersModelJson, file: string): Topology {
  const raw = camelKeys(json.modelTopology) as Record<string, unknown>;
  const model = (isObject(raw['modelConfig']) ? raw['modelConfig'] : raw) as Record<string, unknown>;
  const className = model['className'];
  const config = model['config'];
  if (className === 'Sequential') return parseSequential(config, file);
  if ((className !== 'Model' && className !== 'Functional') || !isObject(config) || !Array.isArray(config['layers'])) {
    throw new FileFormatError(file, `modelTopology: expected a Keras 'Model', 'Functional' or 'Sequential' with config.layers, received class_name ${JSON.stringify(className)}`);
  }
  const layers = config['layers'] as unknown[];
  const calls: LayerCall[] = [];
  const inputs: KerasInput[] = [];
  layers.forEach((l, i) => {
    if (!isObject(l) || typeof l['name'] !== 'string' || typeof l['className'] !== 'string') {
      throw new FileFormatError(file, `modelTopology: layer ${i} has no name or class_name`);
    }
    const name = l['name'];
    const cfg = (isObject(l['config']) ? l['config'] : {}) as Config;
    if (l['className'] === 'InputLayer') {
      const shape = inputShape(cfg);
      if (shape === undefined) throw new FileFormatError(file, `input layer '${name}' has no batch_input_shape`);
      inputs.push({ layer: name, shape, dtype: inputDtype(cfg, name) });
      return;
    }
    const inbound = Array.isArray(l['inboundNodes']) ? (l['inboundNodes'] as unknown[]) : [];
    inbound.forEach((node, k) => calls.push({ layer: name, className: l['className'] as string, config: cfg, node: k, inputs: parseInbound(node, file, `layer '${name}'`) }));
  });
  const refs = (v: unknown, what: string): TensorRef[] => {
    if (!Array.isArray(v)) throw new FileFormatError(file, `modelTopology: config.${what} is missing`);
    // A single [name, node, tensor] is allowed as well as a list of them.
    return typeof v[0] === 'string' ? [parseRef(v, file, what)] : v.map((r) => parseRef(r, file, what));
  };
  return { name: typeof config['name'] === 'string' ? config['name'] : 'model', inputs, calls: sortCalls(calls, inputs, file), outputs: refs(config['outputLayers'], 'output_layers') };
}

function parseSequential(config: unknown, file: string): Topology {
  const layers = (Array.isArray(config) ? config : isObject(config) ? config['layers'] : undefined) as unknown[] | undefined;
  if (!Array.isArray(layers) || layers.length === 0) throw new FileFormatError(file, 'modelTopology: a Sequential model without layers');
  const inputs: KerasInput[] = [];
  const calls: LayerCall[] = [];
  let previous: TensorRef | undefined;
  layers.forEach((l, i) => {
    if (!isObject(l) || typeof l['className'] !== 'string') throw new FileFormatError(file, `modelTopology: layer ${i} has no class_name`);
    const cfg = (isObject(l['config']) ? l['config'] : {}) as Config;
    const name = typeof cfg['name'] === 'string' ? cfg['name'] : `layer_${i}`;
    if (previous === undefined) {
      const shape = inputShape(cfg);
      if (shape === undefined) throw new FileFormatError(file, `the first layer of the Sequential model ('${name}') has no batch_input_shape`);
      const input = l['className'] === 'InputLayer' ? name : `${name}_input`;
      inputs.push({ layer: input, shape, dtype: inputDtype(cfg, input) });
      previous = { layer: input, node: 0, tensor: 0 };
      if (l['className'] === 'InputLayer') return;
    }
    calls.push({ layer: name, className: l['className'], config: cfg, node: 0, inputs: [previous] });
    previous = { layer: name, node: 0, tensor: 0 };
  });
  return { name: isObject(config) && typeof config['name'] === 'string' ? config['name'] : 'sequential', inputs, calls, outputs: [previous!] };
}

/**
 * Orders calls so each comes after the calls producing its inputs (Kahn, stable). A call gives
 * all its output tensors at once (a SkipconnOp for topK has two); whether the tensor index a
 * reference names exists is known once the call is converted.
 */
function sortCalls(calls: readonly LayerCall[], inputs: readonly KerasInput[], file: string): LayerCall[] {
  const callKey = (r: { layer: string; node: number }): string => `${r.layer}:${r.node}`;
  const available = new Set(inputs.map((i) => callKey({ layer: i.layer, node: 0 })));
  const produced = new Set(calls.map(callKey));
  const ordered: LayerCall[] = [];
  let pending = [...calls];
  while (pending.length > 0) {
    const next: LayerCall[] = [];
    for (const call of pending) {
      if (call.inputs.every((r) => available.has(callKey(r)))) {
        ordered.push(call);
        available.add(callKey(call));
      } else {
        next.push(call);
      }
    }
    if (next.length === pending.length) {
      const call = next[0]!;
      const missing = call.inputs.find((r) => !available.has(callKey(r)))!;
      throw new FileFormatError(
        file,
        produced.has(callKey(missing)) ? `layer '${call.layer}': input ${refKey(missing)} is part of a cycle` : `layer '${call.layer}': input layer '${missing.layer}' (node ${missing.node}) does not exist`,
      );
    }
    pending = next;
  }
  return ordered;
}
