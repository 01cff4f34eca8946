// Type-checked as an ES module under moduleResolution node16, and again under bundler: every entry a user imports.
import { createAdapter, randomTensor, type Adapter, type CompiledGraph, type HostTensor } from '@skipconn/core';
import { loadGraphFile, readNpyFile, writeNpyFile } from '@skipconn/core/node';
import { importOnnx } from '@skipconn/onnx';
import { loadOnnxFile } from '@skipconn/onnx/node';
import { createOrtNodeAdapter, ORT_NODE_CPU } from '@skipconn/onnxruntime-node';
import { createOrtWebWasmAdapter } from '@skipconn/onnxruntime-web';
import { registerOrtWebAdapters } from '@skipconn/onnxruntime-web/browser';
import { createTfjsAdapter, TFJS_CPU } from '@skipconn/tfjs';
import { registerTfjsBrowserAdapters } from '@skipconn/tfjs/browser';
import { skipResidual } from '@skipconn/tfjs/layers';
import { loadLayersModelFile } from '@skipconn/tfjs/node';
import { createWebGpuAdapter, type WebGpuAdapter } from '@skipconn/webgpu';
import { createWebGpuAdapter as createBrowserWebGpuAdapter } from '@skipconn/webgpu/browser';
import { runConformance } from '@skipconn/conformance';
import { main } from '@skipconn/cli';

export async function runOnce(file: string): Promise<HostTensor | undefined> {
  const { validated, weights } = file.endsWith('.onnx') ? loadOnnxFile(file) : loadGraphFile(file);
  const adapter: Adapter = await createAdapter(ORT_NODE_CPU);
  await adapter.init();
  const compiled: CompiledGraph = await adapter.compile(validated, weights);
  const input = validated.graph.inputs[0]!;
  const outputs = await compiled.run({ [input.name]: randomTensor(input.shape, 1) });
  await compiled.dispose();
  await adapter.dispose();
  const first = outputs[validated.graph.outputs[0]!];
  if (first !== undefined) writeNpyFile(`${file}.out.npy`, first);
  return first;
}

export const used = [
  importOnnx,
  createOrtNodeAdapter,
  createOrtWebWasmAdapter,
  registerOrtWebAdapters,
  createTfjsAdapter,
  TFJS_CPU,
  registerTfjsBrowserAdapters,
  skipResidual,
  loadLayersModelFile,
  createBrowserWebGpuAdapter,
  runConformance,
  main,
  readNpyFile,
];
export const gpu: () => WebGpuAdapter = () => createWebGpuAdapter({ checkShaderKeys: false });
