/**
 * The torchvision zoo on every adapter: `npm run zoo -- [options]`.
 *
 * Reads the models tools/fixtures/zoo.py exported (default folder bench-results/zoo: one folder
 * per architecture with input.npy, output_f32.npy, output_f64.npy and opset13/ opset17/
 * model.onnx), imports each with @skipconn/onnx (loadOnnxFile, the path `skipconn run` takes),
 * runs it on each adapter and compares with PyTorch: pass when every element is within
 * |got - want| <= 1e-4 + 1e-3 * |want| of PyTorch's float64 output; the float32 output's max
 * error is reported beside it. Writes <out>.json and <out>.md (default bench-results/zoo-report).
 *
 * Options:
 *   --dir <folder>         the exported models
 *   --out <file stem>      where the report goes (.json and .md are appended)
 *   --only a,b             architectures to run (default: every exported one)
 *   --adapters a,b         adapters to run (default: every adapter available here); 'none' imports only
 *   --opsets 13,17         opsets to run
 *   --max-params N         leave models with more parameters out of the adapter runs (import still runs)
 *   --timeout <seconds>    per architecture and opset, all adapters together (default 600)
 *   --force                rerun entries the report already has (default: keep them: the run resumes)
 *   --render               only rewrite the Markdown from the JSON
 *
 * Each architecture and opset runs in a child process, so an adapter that crashes or runs out
 * of time costs one table cell, not the run; results are saved after every cell.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createAdapter, findSkips, isModuleNotFound, probeAdapter, registeredAdapters, type Adapter, type HostTensor } from '@skipconn/core';
import { readNpyFile, writeFileAtomic } from '@skipconn/core/node';
import { loadOnnxFile } from '@skipconn/onnx/node';
import { ATOL, RTOL, compareOutput, machineLine, oneLineError, withHeapLimit } from '../model-check';

const OPSETS = [13, 17] as const;
/** This script (tsx puts it in argv[1]); the child processes run it again with --worker. */
const SCRIPT = path.resolve(process.argv[1] ?? 'tools/zoo/run.ts');
const ROOT = path.resolve(path.dirname(SCRIPT), '..', '..');

/** The adapter packages the CLI loads (packages/cli/src/adapters.ts), imported the same way. */
const ADAPTER_PACKAGES = ['@skipconn/onnxruntime-node', '@skipconn/onnxruntime-web', '@skipconn/tfjs', '@skipconn/webgpu'];

/** What zoo.py wrote in <name>/meta.json. */
interface ExportMeta {
  readonly name: string;
  readonly kind: string;
  readonly status: 'ok' | 'skipped' | 'error';
  readonly reason?: string;
  readonly params?: number;
  readonly input?: number[];
  readonly exports?: Record<string, { ok: boolean; bytes?: number; error?: string }>;
  readonly float64_error?: string;
  readonly torch?: string;
  readonly torchvision?: string;
}

/** One table cell: one architecture at one opset on one adapter ('import' is the import step). */
export interface Cell {
  readonly status: 'pass' | 'fail' | 'error' | 'skipped';
  /** Max abs error against PyTorch float64 (and float32). */
  readonly maxAbs64?: number;
  readonly maxAbs32?: number;
  /** Max abs error between PyTorch's own float32 and float64 outputs. */
  readonly torch32vs64?: number;
  /** Whether PyTorch's own float32 output passes the tolerance against its float64 one. */
  readonly torch32Pass?: boolean;
  readonly message?: string;
  readonly seconds?: number;
  /** Import only: node count, ops, skip counts. */
  readonly nodes?: number;
  readonly ops?: string[];
  readonly skips?: Record<string, number>;
}

export interface ZooReport {
  machine: string;
  date: string;
  atol: number;
  rtol: number;
  adapters: string[];
  models: Record<string, { kind: string; input: number[] | null; params: number | null; note?: string; cells: Record<string, Record<string, Cell>> }>;
}

interface Options {
  dir: string;
  out: string;
  only: string[] | null;
  adapters: string[] | null;
  opsets: number[];
  maxParams: number;
  timeoutS: number;
  force: boolean;
  render: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = {
    dir: path.join(ROOT, 'bench-results', 'zoo'),
    out: path.join(ROOT, 'bench-results', 'zoo-report'),
    only: null,
    adapters: null,
    opsets: [...OPSETS],
    maxParams: Infinity,
    timeoutS: 600,
    force: false,
    render: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} expects a value`);
      return v;
    };
    if (a === '--dir') o.dir = path.resolve(value());
    else if (a === '--out') o.out = path.resolve(value());
    else if (a === '--only') o.only = value().split(',').filter(Boolean);
    else if (a === '--adapters') {
      const list = value();
      o.adapters = list === 'none' ? [] : list.split(',').filter(Boolean);
    } else if (a === '--opsets') o.opsets = value().split(',').map(Number);
    else if (a === '--max-params') o.maxParams = Number(value());
    else if (a === '--timeout') o.timeoutS = Number(value());
    else if (a === '--force') o.force = true;
    else if (a === '--render') o.render = true;
    else throw new Error(`unknown option '${a}'; see the comment at the top of tools/zoo/run.ts`);
  }
  return o;
}

async function loadAdapterPackages(): Promise<void> {
  for (const pkg of ADAPTER_PACKAGES) {
    try {
      await import(pkg);
    } catch (err) {
      if (!isModuleNotFound(err, pkg)) console.error(`${pkg} failed to load: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
}

/**
 * The child process: imports one model and runs it on the given adapters, printing one JSON
 * line per cell ({"start": adapter} before each, so the parent knows which one crashed).
 */
async function worker(modelDir: string, opset: number, adapters: readonly string[]): Promise<void> {
  const emit = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
  const file = path.join(modelDir, `opset${opset}`, 'model.onnx');
  const t0 = performance.now();
  let model: ReturnType<typeof loadOnnxFile>;
  try {
    model = loadOnnxFile(file);
  } catch (err) {
    emit({ adapter: 'import', cell: { status: 'error', message: oneLineError(err), seconds: (performance.now() - t0) / 1000 } });
    return;
  }
  const ops = [...new Set(model.validated.nodes.map((n) => n.type))].sort();
  const skips: Record<string, number> = {};
  for (const s of findSkips(model.validated)) skips[s.kind] = (skips[s.kind] ?? 0) + 1;
  const seconds = (performance.now() - t0) / 1000;
  const want64Path = path.join(modelDir, 'output_f64.npy');
  const want32 = readNpyFile(path.join(modelDir, 'output_f32.npy'));
  const want64 = fs.existsSync(want64Path) ? readNpyFile(want64Path) : undefined;
  const torch32 = want64 ? compareOutput(want32, want64, 'PyTorch') : undefined;
  const torchFields = torch32 ? { torch32vs64: torch32.maxAbs, torch32Pass: torch32.ok } : {};
  emit({ adapter: 'import', cell: { status: 'pass', nodes: model.validated.nodes.length, ops, skips, ...torchFields, seconds } });
  if (adapters.length === 0) return;

  const input = readNpyFile(path.join(modelDir, 'input.npy'));
  const inputName = model.validated.graph.inputs[0]!.name;
  const outputName = model.validated.graph.outputs[0]!;
  await loadAdapterPackages();
  for (const name of adapters) {
    emit({ start: name });
    const t = performance.now();
    let adapter: Adapter | undefined;
    try {
      adapter = await createAdapter(name);
      await adapter.init();
      const compiled = await adapter.compile(model.validated, model.weights);
      let got: HostTensor;
      try {
        got = (await compiled.run({ [inputName]: input }))[outputName]!;
      } finally {
        await compiled.dispose();
      }
      const d32 = compareOutput(got, want32, 'PyTorch');
      const d64 = want64 ? compareOutput(got, want64, 'PyTorch') : undefined;
      const ok = (d64 ?? d32).ok;
      emit({
        adapter: name,
        cell: {
          status: ok ? 'pass' : 'fail',
          ...(d64 ? { maxAbs64: d64.maxAbs } : {}),
          maxAbs32: d32.maxAbs,
          ...torchFields,
          seconds: (performance.now() - t) / 1000,
        },
      });
    } catch (err) {
      emit({ adapter: name, cell: { status: 'error', message: oneLineError(err), seconds: (performance.now() - t) / 1000 } });
    } finally {
      await adapter?.dispose().catch(() => undefined);
    }
  }
}

/** Runs one architecture at one opset in a child process; resolves with the cells it produced. */
function runChild(modelDir: string, opset: number, adapters: readonly string[], timeoutS: number, onCell: (adapter: string, cell: Cell) => void): Promise<void> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...process.execArgv, SCRIPT, '--worker', modelDir, String(opset), adapters.join(',')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: withHeapLimit(process.env['NODE_OPTIONS'], 8192) },
    });
    let pending = '';
    let current: string | null = 'import';
    let stderr = '';
    let lastMark = performance.now();
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const msg = JSON.parse(line) as { start?: string; adapter?: string; cell?: Cell };
        if (msg.start !== undefined) {
          current = msg.start;
          lastMark = performance.now();
        } else if (msg.adapter !== undefined && msg.cell !== undefined) {
          onCell(msg.adapter, msg.cell);
          current = null;
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (current !== null) {
        const seconds = (performance.now() - lastMark) / 1000;
        const why = timedOut
          ? `did not finish within ${timeoutS} s (all adapters of this model together, ${((performance.now() - t0) / 1000).toFixed(0)} s spent)`
          : `the process died (${signal ?? `exit ${code}`}): ${oneLineError(
              stderr
                .split('\n')
                .filter((l) => l.trim())
                .slice(-3)
                .join(' | ') || 'no output',
            )}`;
        onCell(current, { status: 'error', message: why, seconds });
      }
      resolve();
    });
  });
}

/** The architecture list of tools/fixtures/zoo.py (empty when Debian's Python is not there). */
function zooArchitectures(): string[] {
  const r = spawnSync('/usr/bin/python3', [path.join(ROOT, 'tools', 'fixtures', 'zoo.py'), '--list'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter((l) => l.trim().length > 0) : [];
}

function readMeta(dir: string, name: string): ExportMeta | null {
  const f = path.join(dir, name, 'meta.json');
  return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as ExportMeta) : null;
}

function formatNumber(x: number | undefined): string {
  if (x === undefined) return '';
  if (x === Infinity) return 'inf';
  if (x === 0) return '0';
  return x.toExponential(1);
}

function cellText(c: Cell | undefined): string {
  if (c === undefined) return '–';
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
  if (c.status === 'pass' || c.status === 'fail') {
    if (c.maxAbs64 === undefined && c.maxAbs32 === undefined) return c.status;
    const mark = c.status === 'pass' ? 'ok' : '**FAIL**';
    // A float32 run no further from float64 than PyTorch's own float32 output fails on float32 rounding.
    const withinTorch32 = c.status === 'fail' && c.maxAbs64 !== undefined && c.torch32vs64 !== undefined && c.maxAbs64 <= c.torch32vs64;
    return `${mark} ${formatNumber(c.maxAbs64 ?? c.maxAbs32)}${c.maxAbs64 === undefined ? ' (f32)' : ''}${withinTorch32 ? ' (within torch f32)' : ''}`;
  }
  const message = c.message ?? '';
  // The JSON keeps the whole message; the table a readable start of it.
  return `${c.status === 'skipped' ? 'skipped' : '**error**'}: ${esc(message.length > 160 ? `${message.slice(0, 157)}...` : message)}`;
}

/** The Markdown: one row per architecture and opset; import, then each adapter. */
export function renderMarkdown(report: ZooReport): string {
  const lines: string[] = [];
  lines.push(
    `Machine: ${report.machine}. Date: ${report.date}. Pass: every element within ${report.atol} + ${report.rtol} * |want| of PyTorch's float64 output; the number is the max abs error against it. "torch f32" is PyTorch's own float32 output against its float64 output ("over tol." where it fails the same tolerance); "within torch f32": a failing cell no further off than that. –: not run.`,
  );
  lines.push('');
  const adapters = report.adapters;
  lines.push(`| model | input | opset | import | torch f32 | ${adapters.join(' | ')} |`);
  lines.push(`|---|---|---|---|---|${adapters.map(() => '---').join('|')}|`);
  const names = Object.keys(report.models).sort();
  for (const name of names) {
    const m = report.models[name]!;
    const input = m.input ? `${m.input[2]}x${m.input[3]}` : '';
    const opsets = Object.keys(m.cells).sort();
    if (opsets.length === 0) {
      const note = (m.note ?? '').replace(/\|/g, '\\|');
      lines.push(`| ${name} | ${input} | | ${note.length > 200 ? `${note.slice(0, 197)}...` : note} | |${adapters.map(() => ' ').join('|')}|`);
      continue;
    }
    for (const opset of opsets) {
      const cells = m.cells[opset]!;
      const imp = cells['import'];
      const impText = imp === undefined ? '' : imp.status === 'pass' ? `ok (${imp.nodes} nodes)` : cellText(imp);
      const t32 = Object.values(cells).find((c) => c.torch32vs64 !== undefined);
      // PyTorch's own float32 over the tolerance: a float32 adapter failing there fails on float32 rounding.
      const t32Text = `${formatNumber(t32?.torch32vs64)}${t32?.torch32Pass === false ? ' (over tol.)' : ''}`;
      lines.push(`| ${name} | ${input} | ${opset} | ${impText} | ${t32Text} | ${adapters.map((a) => cellText(cells[a])).join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === '--worker') {
    await worker(argv[1]!, Number(argv[2]), argv[3] ? argv[3].split(',').filter(Boolean) : []);
    return;
  }
  const o = parseOptions(argv);
  const jsonFile = `${o.out}.json`;
  const report: ZooReport = fs.existsSync(jsonFile) ? (JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as ZooReport) : { machine: machineLine(), date: '', atol: ATOL, rtol: RTOL, adapters: [], models: {} };
  const save = (): void => {
    report.date = new Date().toISOString().slice(0, 10);
    writeFileAtomic(jsonFile, `${JSON.stringify(report, null, 1)}\n`);
    writeFileAtomic(`${o.out}.md`, renderMarkdown(report));
  };
  if (o.render) {
    save();
    return;
  }
  let adapters: string[];
  if (o.adapters === null) {
    await loadAdapterPackages();
    adapters = [];
    for (const reg of registeredAdapters()) {
      const a = await probeAdapter(reg.name);
      if (a.available) adapters.push(reg.name);
      else console.error(`${reg.name}: unavailable here (${a.reason ?? 'no reason given'})`);
    }
  } else {
    adapters = o.adapters;
  }
  for (const a of adapters) if (!report.adapters.includes(a)) report.adapters.push(a);
  if (!fs.existsSync(o.dir)) throw new Error(`no exported models in ${o.dir}: run /usr/bin/python3 tools/fixtures/zoo.py first`);
  const exported = fs.readdirSync(o.dir).filter((d) => fs.existsSync(path.join(o.dir, d, 'meta.json')));
  // Every architecture zoo.py knows gets a row, exported or not yet.
  for (const name of zooArchitectures()) {
    if (!exported.includes(name) && report.models[name] === undefined) {
      report.models[name] = { kind: '', input: null, params: null, note: 'not exported yet (tools/fixtures/zoo.py had not reached it)', cells: {} };
    }
  }
  const names = (o.only ?? exported).sort();
  for (const name of names) {
    const meta = readMeta(o.dir, name);
    if (meta === null) throw new Error(`${name}: no ${path.join(o.dir, name, 'meta.json')}; export it with tools/fixtures/zoo.py --only ${name}`);
    const entry = (report.models[name] ??= { kind: meta.kind, input: meta.input ?? null, params: meta.params ?? null, cells: {} });
    entry.input = meta.input ?? null;
    entry.params = meta.params ?? null;
    if (meta.status !== 'ok') {
      entry.note = `not exported: ${meta.reason ?? meta.status}`;
      save();
      continue;
    }
    delete entry.note;
    for (const opset of o.opsets) {
      const exp = meta.exports?.[String(opset)];
      const cells = (entry.cells[String(opset)] ??= {});
      if (!exp?.ok) {
        cells['import'] = { status: 'error', message: `torch.onnx.export failed: ${exp?.error ?? 'not exported'}` };
        continue;
      }
      const bigSkip = (meta.params ?? 0) > o.maxParams;
      const todo = adapters.filter((a) => o.force || cells[a] === undefined || cells[a]!.status === 'skipped');
      const needImport = o.force || cells['import'] === undefined;
      if (bigSkip) for (const a of todo) cells[a] = { status: 'skipped', message: `${((meta.params ?? 0) / 1e6).toFixed(0)}M parameters: over this run's --max-params` };
      const run = bigSkip ? [] : todo;
      if (!needImport && (run.length === 0 || cells['import']?.status !== 'pass')) continue;
      process.stderr.write(`${name} opset ${opset}: ${['import', ...run].join(', ')}\n`);
      await runChild(path.join(o.dir, name), opset, run, o.timeoutS, (adapter, cell) => {
        cells[adapter] = cell;
        process.stderr.write(`  ${adapter}: ${cellText(cell)} (${(cell.seconds ?? 0).toFixed(1)} s)\n`);
        save();
      });
      if (cells['import']?.status !== 'pass') for (const a of run) if (cells[a] === undefined) cells[a] = { status: 'skipped', message: 'import failed' };
      save();
    }
  }
  save();
  console.log(`wrote ${jsonFile} and ${o.out}.md`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 2;
});
