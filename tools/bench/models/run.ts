/**
 * The `models` section: whole models (models.ts) on this adapter, `tfjs:webgpu` and
 * `ort-web:webgpu`, with the peers section's machinery (peers/run.ts: child processes, GPU-resident
 * inputs, rounds, budget, output cross-check). Results: bench-results/models.{json,md}.
 *
 * Skeletons are made (or exported) before the section's clock starts; a model that cannot be made
 * is reported as skipped with the command that makes it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WebGpuAdapter } from '@skipconn/webgpu';
import { benchPeerBlocks, type PeerBlock, type PeersOptions } from '../peers/run';
import type { PeersResult } from '../peers/report';
import { MODEL_NAMES, MODEL_TITLES, ensureSkeleton, loadSkeleton, type ModelName, type ModelSize } from './models';

export interface ModelsOptions extends PeersOptions {
  /** Folder holding `<size>/<name>/model.skeleton.onnx` (and model.onnx, meta.json). */
  readonly modelsDir: string;
  readonly size: ModelSize;
  readonly names: readonly ModelName[];
}

export function parseModelNames(list: string): ModelName[] {
  const names = list.split(',').filter((n) => n !== '');
  const unknown = names.filter((n) => !(MODEL_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`--whole-models: expected some of ${MODEL_NAMES.join(',')}, received ${unknown.join(',')}`);
  return names as ModelName[];
}

/** The input shape meta.json records for a model, for the table before the model is loaded. */
function recordedShape(dir: string, size: ModelSize, name: ModelName): string {
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, size, name, 'meta.json'), 'utf8')) as { input?: { shape?: number[] }; params?: number };
    const shape = meta.input?.shape;
    const params = meta.params === undefined ? '' : `, ${(meta.params / 1e6).toFixed(1)}M parameters`;
    return shape === undefined ? 'input as exported' : `[${shape.join(',')}]${params}`;
  } catch {
    return 'input as exported';
  }
}

export async function benchModels(adapter: WebGpuAdapter, device: string, opts: ModelsOptions): Promise<PeersResult> {
  const defs: PeerBlock[] = opts.names.map((name) => {
    let skeleton: string | undefined;
    let why: unknown;
    try {
      skeleton = ensureSkeleton(opts.modelsDir, opts.size, name);
    } catch (err) {
      why = err;
      console.log(`models: ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return {
      name: MODEL_TITLES[name],
      shape: recordedShape(opts.modelsDir, opts.size, name),
      make() {
        if (skeleton === undefined) throw why;
        const t0 = performance.now();
        const model = loadSkeleton(skeleton);
        console.log(`models: ${name}: ${model.nodes} IR nodes, ${(model.parameters / 1e6).toFixed(1)}M weights refilled and imported in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        return model;
      },
    };
  });
  return benchPeerBlocks(adapter, device, opts, 'models', defs);
}
