/**
 * The whole models of the bench's `models` section: torchvision's ResNet-50, MobileNetV2,
 * DenseNet-121, ViT-B/16 and a torch.nn.TransformerEncoder stack, exported by
 * tools/fixtures/bench_models.py (Debian's PyTorch and torchvision, random init) to
 * `<dir>/<size>/<name>/model.onnx`, turned into weight-less skeletons (skeleton.ts) beside them
 * (`model.skeleton.onnx`), and at bench time refilled with seeded weights and imported into the IR
 * that every engine gets (this adapter compiles it, tfjs through compileTfjs, onnxruntime-web
 * through the ONNX export).
 *
 * A GPU machine gets only the skeletons (tools/gpu/build.cjs copies them), so a missing skeleton
 * is made from model.onnx, and a missing model.onnx is exported by running the fixture script when
 * Debian's torchvision is there; otherwise the error names the command that makes it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomTensor } from '@skipconn/core';
import { writeFileAtomic } from '@skipconn/core/node';
import { decodeModel, encodeModel, importModel } from '@skipconn/onnx';
import { readOnnxFile } from '@skipconn/onnx/node';
import type { BenchGraph } from '../graphs';
import { makeSkeleton, refillSkeleton, skeletonInfo } from './skeleton';

export const MODEL_NAMES = ['encoder', 'mobilenet_v2', 'densenet121', 'resnet50', 'vit_b_16'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];
export type ModelSize = 'full' | 'small';

export const MODEL_TITLES: Record<ModelName, string> = {
  resnet50: 'ResNet-50',
  mobilenet_v2: 'MobileNetV2',
  densenet121: 'DenseNet-121',
  vit_b_16: 'ViT-B/16',
  encoder: 'TransformerEncoder, 4 layers',
};

export const FIXTURE_SCRIPT = 'tools/fixtures/bench_models.py';
export const DEFAULT_MODELS_DIR = path.join('bench-results', 'whole-models');

/** Seed of the refilled weights; inputs use SEED + 1. */
const SEED = 20261202;

export function exportCommand(size: ModelSize, name: ModelName, dir: string): string {
  return `/usr/bin/python3 ${FIXTURE_SCRIPT} --sizes ${size} --only ${name} ${dir}`;
}

export function skeletonPath(dir: string, size: ModelSize, name: ModelName): string {
  return path.join(dir, size, name, 'model.skeleton.onnx');
}

/**
 * The skeleton file of one model, made when missing: from model.onnx, exported first by the
 * fixture script if needed (where /usr/bin/python3 has torchvision; minutes for ViT-B at 224).
 */
export function ensureSkeleton(dir: string, size: ModelSize, name: ModelName, log: (line: string) => void = console.log): string {
  const skeleton = skeletonPath(dir, size, name);
  if (fs.existsSync(skeleton)) return skeleton;
  const full = path.join(dir, size, name, 'model.onnx');
  if (!fs.existsSync(full)) {
    const script = path.resolve(FIXTURE_SCRIPT);
    if (!fs.existsSync(script) || !fs.existsSync('/usr/bin/python3')) {
      throw new Error(`${skeleton} is missing and ${FIXTURE_SCRIPT} cannot run here; make it on a machine with torchvision: ${exportCommand(size, name, dir)}, then run the bench there once`);
    }
    log(`models: exporting ${size}/${name}: ${exportCommand(size, name, dir)}`);
    const r = spawnSync('/usr/bin/python3', [script, '--sizes', size, '--only', name, path.resolve(dir)], { cwd: path.dirname(script), encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0 || !fs.existsSync(full)) {
      const tail = `${r.stderr ?? ''}${r.error?.message ?? ''}`.trim().split('\n').slice(-3).join(' / ');
      throw new Error(`exporting ${size}/${name} failed (${exportCommand(size, name, dir)}): ${tail || `exit code ${r.status}`}`);
    }
  }
  const { model, info } = makeSkeleton(readOnnxFile(full), full);
  writeFileAtomic(skeleton, encodeModel(model));
  log(`models: ${skeleton}: ${Object.keys(info.tensors).length} initializers dropped (${(info.droppedBytes / 2 ** 20).toFixed(1)} MiB), ${(fs.statSync(skeleton).size / 2 ** 20).toFixed(2)} MiB left`);
  return skeleton;
}

export interface LoadedModel extends BenchGraph {
  /** The input's shape, for the report. */
  readonly inputShape: readonly number[];
  readonly nodes: number;
  readonly parameters: number;
}

/** A skeleton refilled with the seeded weights and imported; one seeded uniform [-1, 1) input. */
export function loadSkeleton(file: string): LoadedModel {
  const skeleton = decodeModel(new Uint8Array(fs.readFileSync(file)), file);
  if (skeletonInfo(skeleton) === undefined) throw new Error(`${file}: not a skeleton (made by tools/bench/models/skeleton.ts)`);
  const built = importModel(refillSkeleton(skeleton, file, SEED), { file });
  const inputs = built.validated.graph.inputs;
  if (inputs.length !== 1) throw new Error(`${file}: expected one graph input, received ${inputs.length}`);
  const input = inputs[0]!;
  let parameters = 0;
  for (const w of built.weights.values()) parameters += w.data.length;
  return { built, feeds: { [input.name]: randomTensor(input.shape, SEED + 1) }, inputShape: input.shape, nodes: built.graph.nodes.length, parameters };
}
