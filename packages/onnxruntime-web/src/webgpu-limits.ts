/**
 * Graphs that onnxruntime-web 1.30's WebGPU EP claims but cannot run, refused before onnxruntime
 * sees them. Only cases that would damage the runtime belong here: the JSEP pool kernels throw
 * "ceil_mode ... not yet implemented" from their attribute parser, which runs before the kernel's
 * try/finally, so the backend's current-kernel marker is never cleared and every later kernel in
 * the page or process fails with "kernel ... is not allowed to be called recursively"
 * (lib/wasm/jsep/backend-webgpu.ts, computeKernel). Other unsupported nodes fail cleanly in
 * onnxruntime and are left to it.
 */
import { SkipconnError } from '@skipconn/core';
import type { GraphProto, ModelProto, NodeProto } from '@skipconn/onnx';

/** Why the WebGPU EP must not get this model, or undefined when it may. */
export function webgpuRefusal(model: ModelProto): string | undefined {
  for (const node of model.graph?.node ?? []) {
    if (node.opType !== 'MaxPool' && node.opType !== 'AveragePool') continue;
    const ceil = node.attribute.find((a) => a.name === 'ceil_mode');
    if (ceil !== undefined && (ceil.i ?? 0) !== 0) {
      return `ONNX node '${node.name}' (${node.opType} with ceil_mode=1): onnxruntime-web 1.30's WebGPU ${node.opType} kernel does not implement ceil_mode, and trying it leaves the WebGPU backend unusable for every later kernel`;
    }
  }
  return undefined;
}

/** The message of the stuck-backend error described above. */
export const STUCK_BACKEND = /is not allowed to be called recursively/;

/**
 * The most inputs one Concat may have on the JSEP WebGPU EP. Its Concat shader binds every input
 * and the output as storage buffers of one compute stage, and onnxruntime-web requests its device
 * without raising `maxStorageBuffersPerShaderStage`, so every device runs it at the WebGPU
 * default of 8: seven inputs and the output. A wider Concat does not fail: onnxruntime-web
 * reports no error and returns a wrong output (DenseNet's 8- to 25-input concats came out wrong
 * by the size of the activations).
 */
export const JSEP_MAX_CONCAT_INPUTS = 7;

/** A namer of values and nodes new to `graph`: `base`, else `base_2`, `base_3`, ... (each name given once). */
function freshNames(graph: GraphProto): (base: string) => string {
  const taken = new Set<string>([...graph.input.map((v) => v.name), ...graph.initializer.map((t) => t.name), ...graph.node.flatMap((n) => [...n.output, n.name])]);
  return (base) => {
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
}

/**
 * The model with every Concat of more than `maxInputs` inputs replaced by a tree of Concats of at
 * most `maxInputs` each, along the same axis (concatenation is associative, so the output is the
 * same element for element). A tree rather than a chain: each element is copied about
 * log_maxInputs(n) times instead of up to n / maxInputs times. The model itself is not changed;
 * without a wide Concat it is returned as it is.
 */
export function splitWideConcats(model: ModelProto, maxInputs = JSEP_MAX_CONCAT_INPUTS): ModelProto {
  if (!Number.isInteger(maxInputs) || maxInputs < 2) {
    throw new SkipconnError('USAGE', `splitWideConcats: maxInputs must be an integer of at least 2, received ${String(maxInputs)}`);
  }
  const graph = model.graph;
  const isWide = (n: NodeProto): boolean => n.opType === 'Concat' && (n.domain === '' || n.domain === 'ai.onnx') && n.input.length > maxInputs;
  if (graph === undefined || !graph.node.some(isWide)) return model;
  const fresh = freshNames(graph);
  const nodes: NodeProto[] = [];
  for (const node of graph.node) {
    if (!isWide(node)) {
      nodes.push(node);
      continue;
    }
    let level = node.input;
    let depth = 0;
    while (level.length > maxInputs) {
      const next: string[] = [];
      for (let start = 0; start < level.length; start += maxInputs) {
        const group = level.slice(start, start + maxInputs);
        // A lone leftover input needs no Concat of its own.
        if (group.length === 1) {
          next.push(group[0]!);
          continue;
        }
        const part = `${node.name || node.output[0]}/split${depth}_${start / maxInputs}`;
        const output = fresh(`${node.output[0]}/split${depth}_${start / maxInputs}`);
        nodes.push({ ...node, name: fresh(part), input: group, output: [output] });
        next.push(output);
      }
      level = next;
      depth++;
    }
    nodes.push({ ...node, input: level });
  }
  return { ...model, graph: { ...graph, node: nodes } };
}

/**
 * The activations onnxruntime's ConvActivationFusion folds into a Conv on the JSEP EP (1.30;
 * Clip only with constant bounds, which the export always writes).
 */
export const JSEP_CONV_FUSED_ACTIVATIONS: readonly string[] = ['Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'Clip', 'HardSigmoid'];

/**
 * The model with a one-input Max (an exact copy) between every two activations of
 * JSEP_CONV_FUSED_ACTIVATIONS where the second is the only reader of the first.
 *
 * Why: on the JSEP EP, onnxruntime's layout transformation turns Conv into the internal NHWC
 * domain's Conv, and ConvActivationFusion writes the fused node back as that same op with an
 * `activation` attribute. The fusion then matches the fused node again and folds the next
 * activation in too, overwriting the attribute: Conv -> Clip(max 6) -> Clip(min 0), which is how
 * TF's relu6 imports, runs as Conv -> Clip(min 0), and Conv -> Sigmoid -> Relu as Conv -> Relu
 * (measured with onnxruntime-web 1.30.0, graphOptimizationLevel 'extended' and 'all'; 'basic'
 * is right). A per-channel Mul and Add between the Conv and the first activation (a batch norm
 * as tensorflowjs_converter writes it) do not stop it: the basic level folds them into the Conv. A Max of one input is no
 * activation to the fusion, so the Conv keeps the first activation and the rest run as written.
 * An Identity or a same-shape Reshape in the same place does not help (measured).
 * Every such pair gets the copy, not only those behind a Conv; elsewhere it costs one copy.
 */
export function separateActivationChains(model: ModelProto): ModelProto {
  const graph = model.graph;
  if (graph === undefined) return model;
  const isActivation = (n: NodeProto): boolean => (n.domain === '' || n.domain === 'ai.onnx') && JSEP_CONV_FUSED_ACTIVATIONS.includes(n.opType);
  const readers = new Map<string, NodeProto[]>();
  for (const node of graph.node) {
    for (const name of node.input) {
      if (name === '') continue;
      const list = readers.get(name) ?? [];
      list.push(node);
      readers.set(name, list);
    }
  }
  const graphOutputs = new Set(graph.output.map((v) => v.name));
  const separate = new Set<NodeProto>();
  for (const node of graph.node) {
    if (!isActivation(node)) continue;
    const out = node.output[0];
    if (out === undefined || graphOutputs.has(out)) continue;
    const next = readers.get(out) ?? [];
    // One reader reading it once: the fusion's lone-consumer test.
    if (next.length === 1 && isActivation(next[0]!) && next[0]!.input.filter((i) => i === out).length === 1 && next[0]!.input[0] === out) separate.add(node);
  }
  if (separate.size === 0) return model;
  const fresh = freshNames(graph);
  const renamed = new Map<string, string>();
  const nodes: NodeProto[] = [];
  for (const node of graph.node) {
    const input = node.input.map((i) => renamed.get(i) ?? i);
    nodes.push(input.some((v, k) => v !== node.input[k]) ? { ...node, input } : node);
    if (separate.has(node)) {
      const out = node.output[0]!;
      const copy = fresh(`${out}/unfused`);
      nodes.push({ name: fresh(`${node.name || out}/unfused`), opType: 'Max', domain: '', input: [out], output: [copy], attribute: [] });
      renamed.set(out, copy);
    }
  }
  return { ...model, graph: { ...graph, node: nodes } };
}
