/**
 * skipconn run <model> --adapter <name> --input <name>=<file.npy> ... --out <dir> [--json]
 *
 * Runs a model (IR .json or .onnx) on one adapter and writes each graph output to
 * <dir>/<output>.npy (all outputs as one atomic set, see writeFileSetAtomic; characters other than letters, digits, '.', '_' and '-' in an
 * output name become '_'). Prints the adapter and the execution provider or backend that really
 * ran. --json: { model, format, adapter, executionProvider, backend, outputs: [{ name, dtype,
 * shape, file }] } (see docs/cli.md).
 */
import * as path from 'path';
import { AdapterUnavailableError, SkipconnError, createAdapter, formatShape, writeNpy, type HostTensor, type ValidatedGraph } from '@skipconn/core';
import { checkOutputDir, readNpyFile, writeFileSetAtomic } from '@skipconn/core/node';
import { EXIT_OK, UsageError, flag, parseArgs, type Command, type ParsedArgs } from '../command';
import { loadAdapterPackages } from '../adapters';
import { loadModel } from '../model';

/** Parses repeated `--input name=file.npy` flags into tensors, relative to cwd. */
export function readInputs(parsed: ParsedArgs, cwd: string): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {};
  for (const spec of parsed.flags.get('input') ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw new UsageError(`--input expects <name>=<file.npy>, received '${spec}'`);
    const name = spec.slice(0, eq);
    if (name in feeds) throw new UsageError(`--input ${name} given twice`);
    feeds[name] = readNpyFile(path.resolve(cwd, spec.slice(eq + 1)));
  }
  return feeds;
}

/** Checks that feeds name exactly the graph's inputs; the message lists what the model wants. */
export function checkInputNames(vg: ValidatedGraph, feeds: Record<string, HostTensor>): void {
  const wanted = vg.graph.inputs.map((i) => `${i.name}=<file.npy> (${i.dtype} ${formatShape(i.shape)})`).join(', ');
  for (const i of vg.graph.inputs) if (!(i.name in feeds)) throw new UsageError(`missing --input for '${i.name}'; the model takes: ${wanted}`);
  for (const name of Object.keys(feeds)) if (!vg.inputNames.has(name)) throw new UsageError(`the model has no input '${name}'; it takes: ${wanted}`);
}

/** A file name for an output: ONNX names often hold '/' or ':'. */
export function outputFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return `${safe.length > 0 ? safe : '_'}.npy`;
}

export interface RunReport {
  readonly model: string;
  readonly format: string;
  readonly adapter: string;
  readonly executionProvider: string | null;
  readonly backend: string | null;
  readonly outputs: { name: string; dtype: string; shape: number[]; file: string }[];
}

export const runCommand: Command = {
  name: 'run',
  usage: 'skipconn run <model> --adapter <name> --input <name>=<file.npy> ... --out <dir> [--json]',
  summary: 'run a model on one adapter and write each output as <dir>/<output>.npy',
  async run(args, io) {
    const parsed = parseArgs(args, ['adapter', 'input', 'out'], ['json']);
    if (parsed.positional.length !== 1) throw new UsageError(`expected one model file, received ${parsed.positional.length}`);
    const adapterName = flag(parsed, 'adapter') ?? 'reference';
    const outDir = flag(parsed, 'out');
    if (outDir === undefined) throw new UsageError('--out <dir> is required');
    const dir = path.resolve(io.cwd, outDir);
    checkOutputDir(dir);
    const model = await loadModel(parsed.positional[0]!, io.cwd);
    const feeds = readInputs(parsed, io.cwd);
    checkInputNames(model.validated, feeds);

    await loadAdapterPackages();
    const adapter = await createAdapter(adapterName);
    try {
      await adapter.init();
    } catch (err) {
      if (err instanceof AdapterUnavailableError) throw err;
      throw new SkipconnError('ADAPTER_UNAVAILABLE', `adapter ${adapterName} failed to start: ${err instanceof Error ? err.message : String(err)}`);
    }
    let results: Record<string, HostTensor>;
    let info: { executionProvider?: string; backend?: string };
    try {
      const compiled = await adapter.compile(model.validated, model.weights);
      info = compiled.info;
      try {
        results = await compiled.run(feeds);
      } finally {
        await compiled.dispose();
      }
    } finally {
      await adapter.dispose();
    }

    const used = new Set<string>();
    const outputs = model.validated.graph.outputs.map((name) => {
      let file = outputFileName(name);
      for (let i = 1; used.has(file); i++) file = outputFileName(`${name}_${i}`);
      used.add(file);
      const t = results[name]!;
      return { name, file, t };
    });
    // All outputs land together or not at all (see writeFileSetAtomic).
    writeFileSetAtomic(
      dir,
      outputs.map((o) => ({ name: o.file, data: writeNpy(o.t) })),
    );
    const written: RunReport['outputs'] = outputs.map((o) => ({ name: o.name, dtype: o.t.dtype, shape: [...o.t.shape], file: path.join(dir, o.file) }));
    const report: RunReport = {
      model: parsed.positional[0]!,
      format: model.format,
      adapter: adapterName,
      executionProvider: info.executionProvider ?? null,
      backend: info.backend ?? null,
      outputs: written,
    };
    if (parsed.flags.has('json')) {
      io.out(JSON.stringify(report, null, 2));
    } else {
      const ran = [report.executionProvider && `execution provider ${report.executionProvider}`, report.backend && `backend ${report.backend}`].filter(Boolean).join(', ');
      io.out([`ran ${report.model} (${report.format}) on ${adapterName}${ran ? ` (${ran})` : ''}`, ...written.map((o) => `  ${o.name}: ${o.dtype} ${formatShape(o.shape)} -> ${o.file}`)].join('\n'));
    }
    return EXIT_OK;
  },
};
