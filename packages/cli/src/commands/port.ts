/**
 * skipconn port <model> --to onnx|ir --out <path> [--opset N] [--verify [--adapter <name>]
 *   [--input <name>=<file.npy> ...]] [--json]
 *
 * Converts a model (IR .json or .onnx) to ONNX (opset 17 by default) or to the IR (graph JSON +
 * a .safetensors next to it). --verify reloads what was written, runs source and target on the
 * same inputs (seeded random ones unless --input gives them; the source on `reference`, the
 * target on `reference` or --adapter) and exits 1 when an output differs beyond
 * |got - want| <= 1e-4 + 1e-3 * |want|, printing the max errors of every output.
 */
import * as path from 'path';
import { createAdapter, evaluateGraph, type Graph, type HostTensor, type ValidatedGraph, type WeightStore } from '@skipconn/core';
import { checkOutputFile, loadGraphFile, saveGraphFile, writeFileAtomic } from '@skipconn/core/node';
import { exportOnnx } from '@skipconn/onnx';
import { loadOnnxFile } from '@skipconn/onnx/node';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError, flag, parseArgs, type Command } from '../command';
import { loadAdapterPackages } from '../adapters';
import { loadModel } from '../model';
import { VERIFY_ATOL, VERIFY_RTOL, compareOutput, rejectVerifyFlagsWithoutVerify, verifyFeeds, verifyLines, verifyPassed, type OutputCheck } from '../verify';
// tfjs target (hook): implemented in ../port-tfjs.ts with @skipconn/tfjs.
import { portToTfjs } from '../port-tfjs';

const TARGETS = ['onnx', 'ir'] as const;

async function runOn(adapterName: string, vg: ValidatedGraph, weights: WeightStore, feeds: Record<string, HostTensor>): Promise<Record<string, HostTensor>> {
  if (adapterName === 'reference') return evaluateGraph(vg, weights, feeds);
  await loadAdapterPackages();
  const adapter = await createAdapter(adapterName);
  try {
    await adapter.init();
    const compiled = await adapter.compile(vg, weights);
    try {
      return await compiled.run(feeds);
    } finally {
      await compiled.dispose();
    }
  } finally {
    await adapter.dispose();
  }
}

export const portCommand: Command = {
  name: 'port',
  usage: 'skipconn port <model> --to onnx|ir|tfjs --out <path> [--opset N] [--layout NHWC] [--quantize uint8|uint16|float16|none] [--verify [--adapter <name>] [--input <name>=<file.npy> ...]] [--json]',
  summary: 'convert a model to ONNX, the IR or a tfjs LayersModel; --verify runs source and target and fails beyond tolerance',
  async run(args, io) {
    const parsed = parseArgs(args, ['to', 'out', 'opset', 'input', 'adapter', 'layout', 'quantize'], ['verify', 'json']);
    if (parsed.positional.length !== 1) throw new UsageError(`expected one model file, received ${parsed.positional.length}`);
    const to = flag(parsed, 'to');
    // --- tfjs target (hook; see ../port-tfjs.ts) ---
    if (to === 'tfjs') return portToTfjs(parsed, io);
    if (parsed.flags.has('layout')) throw new UsageError('--layout applies to --to tfjs');
    if (parsed.flags.has('quantize')) throw new UsageError('--quantize applies to --to tfjs');
    // --- end tfjs target ---
    if (to === undefined || !(TARGETS as readonly string[]).includes(to)) throw new UsageError(`--to must be one of ${TARGETS.join(', ')}, received ${to ?? 'nothing'}`);
    const outArg = flag(parsed, 'out');
    if (outArg === undefined) throw new UsageError('--out <path> is required');
    const opsetArg = flag(parsed, 'opset');
    const opset = opsetArg === undefined ? undefined : Number(opsetArg);
    if (opset !== undefined && !Number.isInteger(opset)) throw new UsageError(`--opset expects an integer, received '${opsetArg}'`);
    rejectVerifyFlagsWithoutVerify(parsed);

    const out = path.resolve(io.cwd, outArg);
    checkOutputFile(out);
    const model = await loadModel(parsed.positional[0]!, io.cwd);
    if (to === 'onnx') {
      writeFileAtomic(out, exportOnnx(model.validated, model.weights, { opset }));
    } else {
      const weightsFile = `${path.basename(out).replace(/\.json$/i, '')}.safetensors`;
      const graph: Graph = { ...model.graph, weightsFile, weights: model.graph.weights.map((w) => ({ name: w.name, dtype: w.dtype, shape: [...w.shape] })) };
      saveGraphFile(out, graph, model.weights);
    }

    let checks: OutputCheck[] | undefined;
    if (parsed.flags.has('verify')) {
      const feeds = verifyFeeds(parsed, io.cwd, model.validated);
      const target = to === 'onnx' ? loadOnnxFile(out) : loadGraphFile(out);
      const want = evaluateGraph(model.validated, model.weights, feeds);
      const targetFeeds: Record<string, HostTensor> = {};
      target.validated.graph.inputs.forEach((input, i) => (targetFeeds[input.name] = feeds[model.validated.graph.inputs[i]!.name]!));
      const got = await runOn(flag(parsed, 'adapter') ?? 'reference', target.validated, target.weights, targetFeeds);
      checks = model.validated.graph.outputs.map((name, i) => compareOutput(name, got[target.validated.graph.outputs[i]!]!, want[name]!));
    }
    const ok = verifyPassed(checks);
    if (parsed.flags.has('json')) {
      io.out(JSON.stringify({ model: parsed.positional[0]!, format: model.format, to, out, verify: checks === undefined ? null : { ok, atol: VERIFY_ATOL, rtol: VERIFY_RTOL, outputs: checks } }, null, 2));
    } else {
      const lines = [`wrote ${out} (${to}) from ${parsed.positional[0]} (${model.format})`];
      if (checks !== undefined) lines.push(...verifyLines('verify', checks));
      (ok ? io.out : io.err)(lines.join('\n'));
    }
    return ok ? EXIT_OK : EXIT_CHECK_FAILED;
  },
};
