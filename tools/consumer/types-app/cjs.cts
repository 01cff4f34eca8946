// Type-checked as a CommonJS module under moduleResolution node16 (imports become require()).
import { createAdapter, isUserError, type HostTensor } from '@skipconn/core';
import { loadGraphFile } from '@skipconn/core/node';
import { loadOnnxFile } from '@skipconn/onnx/node';
import { ORT_NODE_CPU } from '@skipconn/onnxruntime-node';
import { TFJS_WASM } from '@skipconn/tfjs';
import { createWebGpuAdapter } from '@skipconn/webgpu';
import { describeConformance } from '@skipconn/conformance';

export async function outputOf(file: string): Promise<HostTensor | undefined> {
  try {
    const { validated, weights } = file.endsWith('.onnx') ? loadOnnxFile(file) : loadGraphFile(file);
    const compiled = await (await createAdapter(ORT_NODE_CPU)).compile(validated, weights);
    return (await compiled.run({}))[validated.graph.outputs[0]!];
  } catch (err) {
    if (isUserError(err)) return undefined;
    throw err;
  }
}

export const used = [TFJS_WASM, createWebGpuAdapter, describeConformance];
