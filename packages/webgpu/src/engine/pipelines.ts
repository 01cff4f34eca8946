/// <reference types="@webgpu/types" />
/**
 * Pipelines, cached per device by shader key (the generator's name and its complete spec), and
 * bind group layouts cached by their access pattern. Compilation is asynchronous
 * (createComputePipelineAsync), so the device's thread never blocks on a shader compiler.
 *
 * With `checkKeys` on (tests), a cache hit regenerates the source and throws if it differs from
 * the cached one: a key that misses something the source depends on is caught at once.
 */
import type { BindingSpec } from '../kernels/wgsl';
import { ShaderStage } from './gpu-constants';

export interface CachedPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

interface Entry {
  readonly source: string;
  readonly ready: Promise<CachedPipeline>;
}

export class PipelineCache {
  private readonly entries = new Map<string, Entry>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  checkKeys = false;

  constructor(readonly device: GPUDevice) {}

  get size(): number {
    return this.entries.size;
  }

  layout(bindings: readonly BindingSpec[]): GPUBindGroupLayout {
    const key = bindings.map((b) => (b.access === 'read' ? 'r' : 'w')).join('');
    let l = this.layouts.get(key);
    if (l === undefined) {
      l = this.device.createBindGroupLayout({
        label: `skipconn ${key}`,
        entries: bindings.map((b, i) => ({
          binding: i,
          visibility: ShaderStage.COMPUTE,
          buffer: { type: b.access === 'read' ? 'read-only-storage' : 'storage' },
        })),
      });
      this.layouts.set(key, l);
    }
    return l;
  }

  get(key: string, source: () => string, bindings: readonly BindingSpec[], label: string): Promise<CachedPipeline> {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      if (this.checkKeys && hit.source !== source()) {
        throw new Error(`internal: shader key collision: two different sources share the key ${key.slice(0, 200)}`);
      }
      return hit.ready;
    }
    const code = source();
    const layout = this.layout(bindings);
    const module = this.device.createShaderModule({ label, code });
    const ready = this.device
      .createComputePipelineAsync({
        label,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: 'main' },
      })
      .then(
        (pipeline) => ({ pipeline, layout }),
        async (err: unknown) => {
          this.entries.delete(key);
          let details = '';
          try {
            const info = await module.getCompilationInfo();
            details = info.messages.map((m) => `${m.type} ${m.lineNum}:${m.linePos} ${m.message}`).join('\n');
          } catch {
            // compilation info is a diagnostic nicety
          }
          throw new Error(`internal: the WGSL kernel '${label}' failed to compile: ${err instanceof Error ? err.message : String(err)}\n${details}\n${numbered(code)}`);
        },
      );
    this.entries.set(key, { source: code, ready });
    return ready;
  }
}

function numbered(code: string): string {
  return code
    .split('\n')
    .map((l, i) => `${String(i + 1).padStart(4)} ${l}`)
    .join('\n');
}

const caches = new WeakMap<GPUDevice, PipelineCache>();

/** The pipeline cache of a device (one per device, shared by the adapter and createSkipKernels). */
export function pipelineCache(device: GPUDevice): PipelineCache {
  let c = caches.get(device);
  if (c === undefined) {
    c = new PipelineCache(device);
    caches.set(device, c);
  }
  return c;
}
