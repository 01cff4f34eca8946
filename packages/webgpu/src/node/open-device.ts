/// <reference types="@webgpu/types" />
/**
 * Node only: an engine on a Dawn device, for the thread that will own it (the adapter's worker,
 * or a test's worker). Never call this on a thread that may block for long.
 */
import { AdapterUnavailableError } from '@skipconn/core';
import { Engine } from '../engine/engine';
import { loadDawn } from './dawn';
import { explainNoAdapter, useSwiftShader, vulkanEnv } from '@skipconn/core/node';

/** Dawn toggles: unquantized timestamps, so the benchmark's GPU times are not rounded to 100 us. */
const DAWN_FLAGS = ['disable-dawn-features=timestamp_quantization'];

/** Dawn's GPU objects stay referenced for the thread's life. */
const instances: GPU[] = [];
function keep(gpu: GPU): GPU {
  instances.push(gpu);
  return gpu;
}

/**
 * Dawn with the environment as it is first (a GPU driver wins); if that finds no adapter and the
 * user named no ICD, once more with chromium's SwiftShader. Each attempt is a fresh Dawn instance,
 * which enumerates the ICDs again.
 */
export async function openDevice(): Promise<Engine> {
  const env = vulkanEnv();
  const dawn = loadDawn();
  try {
    return await Engine.create(keep(dawn.create(DAWN_FLAGS)));
  } catch (err) {
    if (!(err instanceof AdapterUnavailableError)) throw err;
  }
  const swift = useSwiftShader(env);
  if (swift !== undefined) {
    try {
      return await Engine.create(keep(dawn.create(DAWN_FLAGS)));
    } catch (err) {
      if (!(err instanceof AdapterUnavailableError)) throw err;
    }
  }
  const { reason, fix } = explainNoAdapter(swift ?? env);
  throw new AdapterUnavailableError('webgpu', reason, fix);
}
