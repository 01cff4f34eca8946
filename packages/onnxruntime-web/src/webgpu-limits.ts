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
import type { ModelProto, NodeProto } from '@skipconn/onnx';

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
  const taken = new Set<string>([...graph.input.map((v) => v.name), ...graph.initializer.map((t) => t.name), ...graph.node.flatMap((n) => [...n.output, n.name])]);
  const fresh = (base: string): string => {
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
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
