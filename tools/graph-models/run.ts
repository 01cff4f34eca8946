/**
 * The tfjs GraphModels on every adapter and through every port direction:
 * `npm run graph-models -- [--only a,b] [--adapters a,b] [--models f1.json,f2.json] [--out <stem>] [--init-timeout <s>]`
 * (`--adapters` may name the browser harness's '<adapter>@chromium' proxies; `--render [<stem>]` rewrites the Markdown of a saved report; `--cut-at node1,node2` runs each model
 * only up to those TF nodes, see cutGraphModel; `--init-timeout` is how long ort-web:webgpu's host
 * process may take to start and prove WebGPU works, default 120 s, which SwiftShader under load can pass).
 *
 * For each GraphModel (default: packages/tfjs/test/fixtures/graph-model/*, or the model.json files
 * given with --models) the oracle is tfjs itself: @tensorflow/tfjs-converter's loadGraphModel +
 * execute on tfjs-backend-cpu, on the seeded inputs the graph-model tests use. Against it:
 *   - reference and each adapter (default: every adapter available here) on the imported IR;
 *   - `port --to onnx`: the exported bytes in a plain onnxruntime-node InferenceSession;
 *   - `port --to tfjs`: the written LayersModel loaded with plain tf.loadLayersModel + predict on
 *     tfjs-backend-cpu, with @skipconn/tfjs/layers registered only when the export lists custom
 *     layers (the run is in a child process, so an earlier registration cannot help it);
 *   - `port --to ir`: graph JSON + safetensors written, read back and run on the reference.
 * A cell passes when every element is within 1e-4 + 1e-3 * |want|; the number is the max abs
 * error over all outputs. A failing cell also lists each output's max abs error and, for an output
 * whose rows are the oracle's in another order (a topK's detections), which rows moved and how far
 * apart the oracle's scores of them are (compare.ts). Writes <out>.json and <out>.md (default
 * bench-results/graph-models-report).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import type * as tfc from '@tensorflow/tfjs-core';
import { createAdapter, evaluateGraph, type Adapter, findSkips, isModuleNotFound, probeAdapter, registeredAdapters, tensor, type HostTensor, type Graph } from '@skipconn/core';
import { loadGraphFile, saveGraphFile, writeFileAtomic } from '@skipconn/core/node';
import { exportOnnx } from '@skipconn/onnx';
import { transposeHostTensor } from '@skipconn/tfjs';
import { loadGraphModelFile, saveLayersModel } from '@skipconn/tfjs/node';
import { GRAPH_MODEL_FIXTURES, graphModelInput, runWithConverter } from '../../packages/tfjs/test/graph-model-helpers';
import { ATOL, RTOL, machineLine, oneLineError } from '../model-check';
import { describeOutputs, diffOutputs, type OutputDiff } from './compare';

const SCRIPT = path.resolve(process.argv[1] ?? 'tools/graph-models/run.ts');
const ROOT = path.resolve(path.dirname(SCRIPT), '..', '..');
const ADAPTER_PACKAGES = ['@skipconn/onnxruntime-node', '@skipconn/onnxruntime-web', '@skipconn/tfjs', '@skipconn/webgpu'];
/** Column order of the adapters in the table (others follow in registry order). */
const ADAPTER_ORDER = ['reference', 'tfjs:cpu', 'tfjs:wasm', 'ort-node:cpu', 'ort-web:wasm', 'ort-web:webgpu', 'webgpu'];
/** The port directions, after the adapters in each row. */
const PORTS = ['onnx file in onnxruntime-node', 'LayersModel in tf.loadLayersModel', 'IR file on reference'] as const;

interface Cell {
  readonly status: 'pass' | 'fail' | 'error';
  readonly maxAbs?: number;
  readonly message?: string;
  readonly seconds: number;
  /** LayersModel export only: the custom layers it needs (empty: plain tfjs-layers). */
  readonly customLayers?: readonly string[];
  /** A failing cell only: each output against the oracle's. */
  readonly outputs?: readonly OutputDiff[];
}

interface Row {
  readonly model: string;
  readonly nodes: number;
  readonly skips: number;
  readonly maxAbsOutput: number;
  readonly cells: Record<string, Cell>;
}

interface Report {
  machine: string;
  date: string;
  atol: number;
  rtol: number;
  columns: string[];
  rows: Row[];
}

/** Max error over all outputs, pass only when each output passes; a failure keeps each output's diff. */
function judge(names: readonly string[], got: readonly HostTensor[], want: readonly HostTensor[]): { status: 'pass' | 'fail'; maxAbs: number; outputs?: OutputDiff[] } {
  const outputs = diffOutputs(names, got, want, 'tfjs-converter');
  const maxAbs = outputs.reduce((m, o) => (o.maxAbs > m || Number.isNaN(o.maxAbs) ? o.maxAbs : m), 0);
  const ok = outputs.every((o) => o.ok);
  return ok ? { status: 'pass', maxAbs } : { status: 'fail', maxAbs, outputs };
}

async function timed(names: readonly string[], run: () => Promise<{ got: HostTensor[]; customLayers?: readonly string[] }>, want: readonly HostTensor[]): Promise<Cell> {
  const t0 = performance.now();
  try {
    const { got, customLayers } = await run();
    return { ...judge(names, got, want), seconds: (performance.now() - t0) / 1000, ...(customLayers ? { customLayers } : {}) };
  } catch (err) {
    return { status: 'error', message: oneLineError(err, 300), seconds: (performance.now() - t0) / 1000 };
  }
}

/**
 * Child process: loads a LayersModel with plain tf.loadLayersModel on tfjs-backend-cpu and writes
 * its outputs as JSON to `outFile`: a file, because main() ends with process.exit, which would cut
 * a large write to a pipe short (centernet's 1.3M-element heatmaps). @skipconn/tfjs/layers is
 * imported only when the export lists custom layers ('custom').
 */
async function predictChild(modelFile: string, feedsFile: string, withCustomLayers: boolean, outFile: string): Promise<void> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const tfl = await import('@tensorflow/tfjs-layers');
  if (withCustomLayers) await import('@skipconn/tfjs/layers');
  await tf.setBackend('cpu');
  const feeds = JSON.parse(fs.readFileSync(feedsFile, 'utf8')) as { shape: number[]; data: number[] }[];
  // The file:// handler of tfjs-node is not loaded here; read the files as tfjs's browser handler would.
  const json = JSON.parse(fs.readFileSync(modelFile, 'utf8')) as { modelTopology: object; weightsManifest: { paths: string[]; weights: tfc.io.WeightsManifestEntry[] }[] };
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(path.dirname(modelFile), p))));
  const data = Buffer.concat(shards);
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer }),
  );
  const inputs = feeds.map((f) => tf.tensor(f.data, f.shape, 'float32'));
  const out = model.predict(inputs.length === 1 ? inputs[0]! : inputs);
  const list = Array.isArray(out) ? out : [out];
  fs.writeFileSync(outFile, JSON.stringify(list.map((t) => ({ shape: t.shape, data: Array.from(t.dataSync()) }))));
}

async function loadAdapterPackages(): Promise<void> {
  for (const pkg of ADAPTER_PACKAGES) {
    try {
      await import(pkg);
    } catch (err) {
      if (!isModuleNotFound(err, pkg)) console.error(`${pkg} failed to load: ${oneLineError(err, 300)}`);
    }
  }
}

function modelName(modelFile: string): string {
  return path.basename(modelFile) === 'model.json' ? path.basename(path.dirname(modelFile)) : path.basename(modelFile, '.json');
}

/**
 * A copy of a GraphModel (in `tmp`, its weight files beside it) cut at the given TF nodes: only
 * they and the nodes they read remain, and they are its outputs (tfjs-converter's rule without a
 * signature: the nodes no other node reads). This runs the part of a model before a post-processing
 * op the importer lacks (centernet's heads, before its Equal / TopKV2 decoding).
 */
function cutGraphModel(modelFile: string, outputs: readonly string[], tmp: string): string {
  const json = JSON.parse(fs.readFileSync(modelFile, 'utf8')) as { modelTopology: { node: { name: string; input?: string[] }[] }; weightsManifest: { paths: string[] }[]; signature?: unknown };
  const byName = new Map(json.modelTopology.node.map((n) => [n.name, n]));
  const keep = new Set<string>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const name = stack.pop()!.replace(/^\^/, '').replace(/:\d+$/, '');
    if (keep.has(name)) continue;
    const node = byName.get(name);
    if (node === undefined) throw new Error(`${modelFile}: --cut-at names '${name}', which is not a node of the model`);
    keep.add(name);
    stack.push(...(node.input ?? []));
  }
  json.modelTopology.node = json.modelTopology.node.filter((n) => keep.has(n.name));
  delete json.signature;
  const dir = fs.mkdtempSync(path.join(tmp, 'cut-'));
  for (const p of json.weightsManifest.flatMap((g) => g.paths)) fs.copyFileSync(path.join(path.dirname(modelFile), p), path.join(dir, p));
  const out = path.join(dir, `${modelName(modelFile)}-cut.json`);
  fs.writeFileSync(out, JSON.stringify(json));
  return out;
}

async function runModel(modelFile: string, adapters: readonly string[], tmp: string, makeAdapter: (name: string) => Promise<Adapter>): Promise<Row> {
  const name = modelName(modelFile);
  const imported = loadGraphModelFile(modelFile);
  const feeds: Record<string, HostTensor> = {};
  for (const input of imported.graph.inputs) feeds[input.name] = graphModelInput(input);
  const want = await runWithConverter(modelFile, feeds, imported.tfOutputs);
  const outputs = imported.graph.outputs;
  const cells: Record<string, Cell> = {};
  const note = (column: string, cell: Cell): void => {
    cells[column] = cell;
    console.error(
      `${name} ${column}: ${cell.status}${cell.maxAbs !== undefined ? ` ${cell.maxAbs.toExponential(1)}` : ''}${cell.message ? ` (${cell.message})` : ''}${cell.outputs ? ` (${describeOutputs(cell.outputs)})` : ''} ${cell.seconds.toFixed(1)} s`,
    );
  };

  note(
    'reference',
    await timed(
      outputs,
      async () => {
        const got = evaluateGraph(imported.validated, imported.weights, feeds);
        return { got: outputs.map((o) => got[o]!) };
      },
      want,
    ),
  );
  for (const adapterName of adapters) {
    if (adapterName === 'reference') continue;
    note(
      adapterName,
      await timed(
        outputs,
        async () => {
          const adapter = await makeAdapter(adapterName);
          try {
            await adapter.init();
            const compiled = await adapter.compile(imported.validated, imported.weights);
            try {
              const got = await compiled.run(feeds);
              return { got: outputs.map((o) => got[o]!) };
            } finally {
              await compiled.dispose();
            }
          } finally {
            await adapter.dispose().catch(() => undefined);
          }
        },
        want,
      ),
    );
  }

  note(
    PORTS[0],
    await timed(
      outputs,
      async () => {
        const session = await ort.InferenceSession.create(exportOnnx(imported.validated, imported.weights));
        try {
          const ortFeeds: Record<string, ort.Tensor> = {};
          imported.graph.inputs.forEach((input, i) => {
            const x = feeds[input.name]!;
            ortFeeds[session.inputNames[i]!] = new ort.Tensor(x.dtype === 'int32' ? 'int32' : 'float32', x.data as Float32Array | Int32Array, [...x.shape]);
          });
          const results = await session.run(ortFeeds);
          return { got: session.outputNames.map((o) => tensor('float32', results[o]!.dims, results[o]!.data as Float32Array)) };
        } finally {
          await session.release();
        }
      },
      want,
    ),
  );

  note(
    PORTS[1],
    await timed(
      outputs,
      async () => {
        const dir = path.join(tmp, `${name}-layers`);
        const saved = saveLayersModel(dir, imported.validated, imported.weights);
        const feedsFile = path.join(tmp, `${name}-feeds.json`);
        const inputs = saved.inputs.map((i) => transposeHostTensor(feeds[i.name]!, i.perm));
        fs.writeFileSync(feedsFile, JSON.stringify(inputs.map((t) => ({ shape: t.shape, data: Array.from(t.data as Float32Array) }))));
        const outFile = path.join(tmp, `${name}-predicted.json`);
        const args = [...process.execArgv, SCRIPT, '--predict-child', saved.modelFile, feedsFile, saved.customLayers.length > 0 ? 'custom' : 'plain', outFile];
        const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
        if (r.status !== 0) throw new Error(`tf.loadLayersModel failed: ${oneLineError(r.stderr, 300)}`);
        const got = (JSON.parse(fs.readFileSync(outFile, 'utf8')) as { shape: number[]; data: number[] }[]).map((t) => tensor('float32', t.shape, Float32Array.from(t.data)));
        const inverse = (perm: readonly number[]) => perm.map((_, a) => perm.indexOf(a));
        return { got: saved.outputs.map((o, i) => transposeHostTensor(got[i]!, inverse(o.perm))), customLayers: saved.customLayers };
      },
      want,
    ),
  );

  note(
    PORTS[2],
    await timed(
      outputs,
      async () => {
        const file = path.join(tmp, `${name}-ir.json`);
        const graph: Graph = { ...imported.graph, weightsFile: `${name}-ir.safetensors`, weights: imported.graph.weights.map((w) => ({ name: w.name, dtype: w.dtype, shape: [...w.shape] })) };
        saveGraphFile(file, graph, imported.weights);
        const back = loadGraphFile(file);
        const got = evaluateGraph(back.validated, back.weights, feeds);
        return { got: back.validated.graph.outputs.map((o) => got[o]!) };
      },
      want,
    ),
  );

  // A loop, not Math.max(...values): spreading centernet's 1.3M heatmap values overflows the stack.
  let maxAbsOutput = 0;
  for (const w of want) for (const v of w.data as Float32Array) maxAbsOutput = Math.max(maxAbsOutput, Math.abs(v));
  return { model: name, nodes: imported.graph.nodes.length, skips: findSkips(imported.validated).length, maxAbsOutput, cells };
}

function cellText(c: Cell | undefined): string {
  if (c === undefined) return 'not run';
  if (c.status === 'error') return `**error**: ${(c.message ?? '').replace(/\|/g, '\\|')}`;
  const n = c.maxAbs === 0 ? '0' : c.maxAbs!.toExponential(1);
  const custom = c.customLayers && c.customLayers.length > 0 ? ` (needs ${c.customLayers.join(', ')})` : '';
  const outputs = c.outputs ? ` (per output: ${describeOutputs(c.outputs).replace(/\|/g, '\\|')})` : '';
  return `${c.status === 'pass' ? '' : '**FAIL** '}${n}${custom}${outputs}`;
}

function renderMarkdown(report: Report): string {
  const lines = [
    `Machine: ${report.machine}. Date: ${report.date}. Each cell: max abs error over all outputs against tfjs-converter's execute on tfjs-backend-cpu; every cell passes |got - want| <= ${report.atol} + ${report.rtol} * |want| unless marked **FAIL**.`,
    '',
    `| GraphModel | IR nodes | skips | max abs output | ${report.columns.join(' | ')} |`,
    `|---|---|---|---|${report.columns.map(() => '---').join('|')}|`,
  ];
  for (const r of report.rows) {
    lines.push(`| ${r.model} | ${r.nodes} | ${r.skips} | ${Number(r.maxAbsOutput.toPrecision(2))} | ${report.columns.map((c) => cellText(r.cells[c])).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

function byAdapterOrder(a: string, b: string): number {
  const rank = (n: string): number => (ADAPTER_ORDER.includes(n) ? ADAPTER_ORDER.indexOf(n) : ADAPTER_ORDER.length);
  return rank(a) - rank(b);
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === '--predict-child') return predictChild(argv[1]!, argv[2]!, argv[3] === 'custom', argv[4]!);
  if (argv[0] === '--render') {
    // Rewrites the Markdown of a saved report (default stem, or the one given).
    const stem = path.resolve(argv[1] ?? path.join(ROOT, 'bench-results', 'graph-models-report'));
    const report = JSON.parse(fs.readFileSync(`${stem}.json`, 'utf8')) as Report;
    report.columns = report.columns
      .filter((c) => !(PORTS as readonly string[]).includes(c))
      .sort(byAdapterOrder)
      .concat(PORTS);
    writeFileAtomic(`${stem}.md`, renderMarkdown(report));
    process.stdout.write(renderMarkdown(report));
    return;
  }
  let only: string[] | null = null;
  let adapterList: string[] | null = null;
  let models: string[] | null = null;
  let out = path.join(ROOT, 'bench-results', 'graph-models-report');
  let cutAt: string[] | null = null;
  let initTimeoutS: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} expects a value`);
      return v;
    };
    if (a === '--only') only = value().split(',');
    else if (a === '--adapters') adapterList = value().split(',');
    else if (a === '--models')
      models = value()
        .split(',')
        .map((f) => path.resolve(f));
    else if (a === '--out') out = path.resolve(value());
    else if (a === '--cut-at') cutAt = value().split(',');
    else if (a === '--init-timeout') {
      initTimeoutS = Number(value());
      if (!(initTimeoutS > 0)) throw new Error(`--init-timeout expects seconds above 0, received '${argv[i]}'`);
    } else throw new Error(`unknown option '${a}'; see the comment at the top of tools/graph-models/run.ts`);
  }
  await loadAdapterPackages();
  // The '@chromium' adapters (tfjs:webgpu and tfjs:webgl among them) run inside headless Chromium
  // through the browser harness; they are registered only when asked for, since each starts a browser.
  if (adapterList?.some((a) => a.endsWith('@chromium'))) (await import('@skipconn/browser-harness')).registerBrowserAdapters();
  let adapters: string[];
  if (adapterList !== null) adapters = adapterList;
  else {
    adapters = [];
    for (const reg of registeredAdapters()) {
      const a = await probeAdapter(reg.name);
      if (a.available) adapters.push(reg.name);
      else console.error(`${reg.name}: unavailable here (${a.reason ?? 'no reason given'})`);
    }
  }
  const timeoutMs = initTimeoutS === null ? null : initTimeoutS * 1000;
  // The registry's ort-web:webgpu waits 120 s for its host; --init-timeout makes a proxy of its own.
  const makeAdapter = async (adapterName: string): Promise<Adapter> => {
    if (adapterName !== 'ort-web:webgpu' || timeoutMs === null) return createAdapter(adapterName);
    const { createOrtWebGpuProcessAdapter } = await import('@skipconn/onnxruntime-web');
    return createOrtWebGpuProcessAdapter({ initTimeoutMs: timeoutMs });
  };
  const files =
    models ??
    fs
      .readdirSync(GRAPH_MODEL_FIXTURES)
      .filter((d) => fs.existsSync(path.join(GRAPH_MODEL_FIXTURES, d, 'model.json')))
      .filter((d) => only === null || only.includes(d))
      .sort()
      .map((d) => path.join(GRAPH_MODEL_FIXTURES, d, 'model.json'));
  const report: Report = { machine: machineLine(), date: new Date().toISOString().slice(0, 10), atol: ATOL, rtol: RTOL, columns: [...new Set(['reference', ...adapters])].sort(byAdapterOrder).concat(PORTS), rows: [] };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-graph-models-'));
  try {
    for (const file of files) {
      try {
        report.rows.push(await runModel(cutAt === null ? file : cutGraphModel(file, cutAt, tmp), adapters, tmp, makeAdapter));
      } catch (err) {
        console.error(`${file}: ${oneLineError(err, 300)}`);
        report.rows.push({ model: modelName(file), nodes: 0, skips: 0, maxAbsOutput: NaN, cells: { reference: { status: 'error', message: `import: ${oneLineError(err, 300)}`, seconds: 0 } } });
      }
      writeFileAtomic(`${out}.json`, `${JSON.stringify(report, null, 1)}\n`);
      writeFileAtomic(`${out}.md`, renderMarkdown(report));
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.stdout.write(renderMarkdown(report));
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
