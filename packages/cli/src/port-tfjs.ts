/**
 * `skipconn port <model> --to tfjs --out <dir> [--layout NHWC] [--verify [--adapter tfjs:cpu|tfjs:wasm]
 *   [--input <name>=<file.npy> ...]] [--json]`, called from commands/port.ts.
 *
 * Writes `<dir>/model.json` and its weight file: a tfjs LayersModel that plain
 * `tf.loadLayersModel` loads, after importing `@skipconn/tfjs/layers` when the model uses one of
 * its layers (the output names them). The model keeps the
 * source's input/output layout (an ONNX model stays NCHW); `--layout NHWC` makes NCHW inputs and
 * outputs channels-last. --verify reads the written files back, runs them with plain
 * tf.loadLayersModel + predict (on the cpu backend, or wasm with --adapter tfjs:wasm) against the
 * source on the reference evaluator, and exits 1 beyond |got - want| <= 1e-4 + 1e-3 * |want|.
 */
import * as path from 'path';
import type * as TfjsModule from '@skipconn/tfjs';
import type * as TfjsNodeModule from '@skipconn/tfjs/node';
import { MissingPackageError, SkipconnError, evaluateGraph, isFloatDType, isModuleNotFound, tensor, toFloat64, type HostTensor } from '@skipconn/core';
import { checkOutputDir } from '@skipconn/core/node';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError, flag, type CommandIO, type ParsedArgs } from './command';
import { loadModel } from './model';
import { VERIFY_ATOL, VERIFY_RTOL, compareOutput, rejectVerifyFlagsWithoutVerify, verifyFeeds, verifyLines, verifyPassed, type OutputCheck } from './verify';

const LAYOUTS = ['source', 'NHWC'] as const;
const VERIFY_ADAPTERS: Readonly<Record<string, 'cpu' | 'wasm'>> = { 'tfjs:cpu': 'cpu', 'tfjs:wasm': 'wasm' };

/** Inverse of a permutation (output axis perm[a] <- input axis a). */
const inverse = (perm: readonly number[]) => perm.map((_, a) => perm.indexOf(a));

/** @skipconn/tfjs, loaded when a command needs it; `purpose` names the option in the error. */
export async function loadTfjs(purpose = '--to tfjs'): Promise<typeof TfjsNodeModule & typeof TfjsModule> {
  try {
    return { ...(await import('@skipconn/tfjs')), ...(await import('@skipconn/tfjs/node')) };
  } catch (err) {
    if (isModuleNotFound(err, '@skipconn/tfjs')) throw new MissingPackageError(purpose, '@skipconn/tfjs', 'npm install @skipconn/tfjs @tensorflow/tfjs-core @tensorflow/tfjs-layers @tensorflow/tfjs-backend-cpu');
    throw new SkipconnError('USAGE', `${purpose} needs @skipconn/tfjs and its tfjs peers (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
}

type Quantization = TfjsModule.WeightQuantization;
/** tfjs's WEIGHT_QUANTIZATIONS, known before @skipconn/tfjs loads (so a bad value is a usage error without it). */
const QUANTIZATIONS = ['uint8', 'uint16', 'float16'] as const satisfies readonly Quantization[];

/** The weights as a quantized export stores them and tfjs reads them back (float weights only). */
function dequantizedWeights(weights: ReadonlyMap<string, HostTensor>, kind: Quantization, quantizeWeight: typeof TfjsModule.quantizeWeight): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const [name, t] of weights) {
    out.set(name, isFloatDType(t.dtype) ? tensor('float32', t.shape, quantizeWeight(Float32Array.from(toFloat64(t)), kind).dequantized) : t);
  }
  return out;
}

/** The port command's tfjs target: parsed arguments in, exit code out. */
export async function portToTfjs(parsed: ParsedArgs, io: CommandIO): Promise<number> {
  const outArg = flag(parsed, 'out');
  if (outArg === undefined) throw new UsageError('--out <dir> is required (the folder for model.json and its weight file)');
  const layoutArg = flag(parsed, 'layout') ?? 'source';
  if (!(LAYOUTS as readonly string[]).includes(layoutArg)) throw new UsageError(`--layout must be NHWC (or source, the default), received '${layoutArg}'`);
  const layout = layoutArg as (typeof LAYOUTS)[number];
  if (flag(parsed, 'opset') !== undefined) throw new UsageError('--opset applies to --to onnx');
  rejectVerifyFlagsWithoutVerify(parsed);
  const adapterArg = flag(parsed, 'adapter') ?? 'tfjs:cpu';
  const backend = VERIFY_ADAPTERS[adapterArg];
  if (backend === undefined) throw new UsageError(`--adapter for --to tfjs --verify runs the LayersModel itself: expected one of ${Object.keys(VERIFY_ADAPTERS).join(', ')}, received '${adapterArg}'`);

  const quantizeArg = flag(parsed, 'quantize');
  if (quantizeArg !== undefined && quantizeArg !== 'none' && !(QUANTIZATIONS as readonly string[]).includes(quantizeArg)) {
    throw new UsageError(`--quantize must be one of ${QUANTIZATIONS.join(', ')} or none, received '${quantizeArg}'`);
  }

  const out = path.resolve(io.cwd, outArg);
  checkOutputDir(out);
  const model = await loadModel(parsed.positional[0]!, io.cwd);
  // Without --quantize, a quantized tfjs source stays quantized the same way (22 MB stays 22 MB).
  const quantize = quantizeArg === 'none' ? undefined : ((quantizeArg as Quantization | undefined) ?? model.weightQuantization);
  const tfjs = await loadTfjs();
  const saved = tfjs.saveLayersModel(out, model.validated, model.weights, { layout, ...(quantize !== undefined ? { quantize } : {}) });

  let checks: OutputCheck[] | undefined;
  if (parsed.flags.has('verify')) {
    const feeds = verifyFeeds(parsed, io.cwd, model.validated);
    // A quantized export is judged against the source with each weight quantized the same way and
    // read back as tfjs reads it: the numbers the written model really holds.
    const weights = quantize === undefined ? model.weights : dequantizedWeights(model.weights, quantize, tfjs.quantizeWeight);
    const want = evaluateGraph(model.validated, weights, feeds);
    const inputs = saved.inputs.map((i) => tfjs.transposeHostTensor(feeds[i.name]!, i.perm));
    const got = await tfjs.predictLayersModelFile(saved.modelFile, inputs, backend);
    checks = saved.outputs.map((o, i) => compareOutput(o.name, tfjs.transposeHostTensor(got[i]!, inverse(o.perm)), want[o.name]!));
  }
  const ok = verifyPassed(checks);
  if (parsed.flags.has('json')) {
    io.out(
      JSON.stringify(
        {
          model: parsed.positional[0]!,
          format: model.format,
          to: 'tfjs',
          out,
          modelFile: saved.modelFile,
          weightFiles: saved.weightFiles,
          layout,
          quantize: quantize ?? null,
          inputs: saved.inputs.map((i) => ({ name: i.name, layer: i.layer, shape: i.shape, layout: i.layout ?? null })),
          outputs: saved.outputs.map((o) => ({ name: o.name, layer: o.layer, shape: o.shape, layout: o.layout ?? null })),
          opLayers: saved.opLayers,
          customLayers: saved.customLayers,
          verify: checks === undefined ? null : { ok, adapter: adapterArg, atol: VERIFY_ATOL, rtol: VERIFY_RTOL, outputs: checks },
        },
        null,
        2,
      ),
    );
  } else {
    const shape = (v: { shape: readonly number[]; layout?: string }) => `[${v.shape.join(',')}]${v.layout ? ` ${v.layout}` : ''}`;
    const lines = [
      `wrote ${saved.modelFile} and ${saved.weightFiles.map((f) => path.basename(f)).join(', ')} (tfjs LayersModel${quantize !== undefined ? `, ${quantize} weights${quantizeArg === undefined ? ' as in the source' : ''}` : ''}) from ${parsed.positional[0]} (${model.format})`,
      `  inputs: ${saved.inputs.map((i) => `${i.layer} ${shape(i)}`).join(', ')}; outputs: ${saved.outputs.map((o) => `${o.layer} ${shape(o)}`).join(', ')}`,
      saved.customLayers.length === 0
        ? '  standard Keras layers only: plain tf.loadLayersModel loads it'
        : `  load it with tf.loadLayersModel after import '@skipconn/tfjs/layers' (it registers ${saved.customLayers.join(', ')})`,
    ];
    if (saved.opLayers.length > 0) {
      lines.push(`  ${saved.opLayers.length} node(s) use the SkipconnOp layer (no exact standard Keras layer):`);
      for (const u of saved.opLayers.slice(0, 20)) lines.push(`    ${u.node} (${u.op}): ${u.reason}`);
      if (saved.opLayers.length > 20) lines.push(`    ... and ${saved.opLayers.length - 20} more (--json lists all)`);
    }
    if (checks !== undefined) lines.push(...verifyLines(`verify on ${adapterArg} with plain tf.loadLayersModel`, checks));
    (ok ? io.out : io.err)(lines.join('\n'));
  }
  return ok ? EXIT_OK : EXIT_CHECK_FAILED;
}
