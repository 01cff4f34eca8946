/**
 * The torchvision zoo on every adapter: `npm run zoo -- [options]`.
 *
 * Reads the models tools/fixtures/zoo.py exported (default folder bench-results/zoo: one folder
 * per architecture with input.npy, output_f32.npy, output_f64.npy and opset13/ opset17/
 * model.onnx), imports each with @skipconn/onnx (loadOnnxFile, the path `skipconn run` takes),
 * runs it on each adapter and compares with PyTorch: pass when every element is within
 * |got - want| <= 1e-4 + 1e-3 * |want| of PyTorch's float64 output; the float32 output's max
 * error is reported beside it. The report is docs/bench/zoo-report.json (kept in the repository:
 * every cell with the machine it ran on); the table between the zoo-table markers of
 * docs/porting.md is rendered from it at the end of each run and by --render.
 *
 * Each import records the IR fingerprint (tools/zoo/fingerprint.ts). When an architecture's
 * opset 13 and opset 17 imports have the same fingerprint, an adapter that ran on one of them is
 * not run on the other: the table shows that cell on both rows, marked "= opset N".
 *
 * Options:
 *   --dir <folder>         the exported models
 *   --out <file.json>      the report (default docs/bench/zoo-report.json)
 *   --doc <file.md>        the Markdown file whose zoo-table block is rewritten (default docs/porting.md)
 *   --only a,b             architectures to run, in this order (default: every exported one, by name)
 *   --adapters a,b         adapters to run (default: every adapter available here); 'none' imports only
 *   --opsets 13,17         opsets to run
 *   --max-params N         leave models with more parameters out of the adapter runs (import still runs)
 *   --timeout <seconds>    per cell: the import, and each adapter's compile and run (default 600)
 *   --force                rerun entries the report already has (default: keep them: the run resumes)
 *   --no-share             run an adapter even where the other opset's identical IR already ran on it
 *   --render               only rewrite the docs table from the JSON
 *
 * Each architecture and opset runs in a child process, so an adapter that crashes or runs out
 * of time costs one table cell, not the run. The report is saved after every cell by reading
 * the file again and writing this run's cells into it, so two runs on different models or
 * adapters can share one report.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAdapter, findSkips, isModuleNotFound, probeAdapter, registeredAdapters, type Adapter, type HostTensor } from '@skipconn/core';
import { readNpyFile, writeFileAtomic } from '@skipconn/core/node';
import { loadOnnxFile } from '@skipconn/onnx/node';
import { ATOL, RTOL, compareOutput, machineLine, oneLineError, withHeapLimit } from '../model-check';
import { irFingerprint } from './fingerprint';
import { cellText, renderIntoDoc, sharedCell, type Cell, type ModelEntry, type ZooReport } from './report';

const OPSETS = [13, 17] as const;
/** This script (tsx puts it in argv[1]); the child processes run it again with --worker. */
const SCRIPT = path.resolve(process.argv[1] ?? 'tools/zoo/run.ts');
const ROOT = path.resolve(path.dirname(SCRIPT), '..', '..');

/** The adapter packages the CLI loads (packages/cli/src/adapters.ts), imported the same way. */
const ADAPTER_PACKAGES = ['@skipconn/onnxruntime-node', '@skipconn/onnxruntime-web', '@skipconn/tfjs', '@skipconn/webgpu'];
/** Adapters that run on WebGPU: on a machine without a GPU, Dawn's SwiftShader emulates it on the CPU. */
const WEBGPU_ADAPTERS = new Set(['webgpu', 'ort-web:webgpu']);

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

interface Options {
  dir: string;
  out: string;
  doc: string;
  only: string[] | null;
  adapters: string[] | null;
  opsets: number[];
  maxParams: number;
  timeoutS: number;
  force: boolean;
  share: boolean;
  render: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = {
    dir: path.join(ROOT, 'bench-results', 'zoo'),
    out: path.join(ROOT, 'docs', 'bench', 'zoo-report.json'),
    doc: path.join(ROOT, 'docs', 'porting.md'),
    only: null,
    adapters: null,
    opsets: [...OPSETS],
    maxParams: Infinity,
    timeoutS: 600,
    force: false,
    share: true,
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
    else if (a === '--doc') o.doc = path.resolve(value());
    else if (a === '--only') o.only = value().split(',').filter(Boolean);
    else if (a === '--adapters') {
      const list = value();
      o.adapters = list === 'none' ? [] : list.split(',').filter(Boolean);
    } else if (a === '--opsets') o.opsets = value().split(',').map(Number);
    else if (a === '--max-params') o.maxParams = Number(value());
    else if (a === '--timeout') o.timeoutS = Number(value());
    else if (a === '--force') o.force = true;
    else if (a === '--no-share') o.share = false;
    else if (a === '--render') o.render = true;
    else throw new Error(`unknown option '${a}'; see the comment at the top of tools/zoo/run.ts`);
  }
  if (!o.out.endsWith('.json')) throw new Error(`--out expects a .json file; received '${o.out}'`);
  for (const opset of o.opsets) if (!OPSETS.includes(opset as (typeof OPSETS)[number])) throw new Error(`--opsets expects some of ${OPSETS.join(', ')}; received '${opset}'`);
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

/** What the parent tells a worker about the other opset: its import's fingerprint and the adapters that ran on it. */
interface ShareOffer {
  readonly fingerprint: string;
  readonly adapters: readonly string[];
}

/**
 * The child process: imports one model and runs it on the given adapters, printing one JSON
 * line per cell ({"start": adapter} before each, so the parent knows which one crashed). An
 * adapter in `offer` is left out when this import's fingerprint is the offered one.
 */
async function worker(modelDir: string, opset: number, adapters: readonly string[], offer: ShareOffer | null): Promise<void> {
  const emit = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
  const file = path.join(modelDir, `opset${opset}`, 'model.onnx');
  const t0 = performance.now();
  let model: ReturnType<typeof loadOnnxFile>;
  let fingerprint: string;
  try {
    model = loadOnnxFile(file);
    fingerprint = irFingerprint(model.validated, model.weights);
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
  emit({ adapter: 'import', cell: { status: 'pass', nodes: model.validated.nodes.length, ops, skips, fingerprint, ...torchFields, seconds } });
  const shared = offer?.fingerprint === fingerprint ? new Set(offer.adapters) : new Set<string>();
  const todo = adapters.filter((a) => !shared.has(a));
  if (todo.length === 0) return;

  const input = readNpyFile(path.join(modelDir, 'input.npy'));
  const inputName = model.validated.graph.inputs[0]!.name;
  const outputName = model.validated.graph.outputs[0]!;
  await loadAdapterPackages();
  for (const name of todo) {
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
          fingerprint,
          seconds: (performance.now() - t) / 1000,
        },
      });
    } catch (err) {
      emit({ adapter: name, cell: { status: 'error', message: oneLineError(err), fingerprint, seconds: (performance.now() - t) / 1000 } });
    } finally {
      await adapter?.dispose().catch(() => undefined);
    }
  }
}

/** Why a cell ran out of time, naming the limit (on WebGPU adapters: SwiftShader on this machine's cores). */
function timeoutMessage(adapter: string, timeoutS: number): string {
  const where = WEBGPU_ADAPTERS.has(adapter)
    ? `, ${adapter} on SwiftShader, the WebGPU device Dawn emulates on the CPU, ${os.cpus().length} cores at load ${os.loadavg()[0]!.toFixed(1)}`
    : `, ${os.cpus().length} CPU cores at load ${os.loadavg()[0]!.toFixed(1)}`;
  return `did not finish within ${timeoutS} s, this run's time budget per cell (${adapter === 'import' ? 'the import' : 'compile and first run'}${where})`;
}

/**
 * Runs one architecture at one opset in a child process; resolves with the cells it produced.
 * Each cell (the import, then each adapter) has `timeoutS` seconds: the child is killed when one
 * runs past it, and that cell records the timeout.
 */
function runChild(modelDir: string, opset: number, adapters: readonly string[], offer: ShareOffer | null, timeoutS: number, onCell: (adapter: string, cell: Cell) => void): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, SCRIPT, '--worker', modelDir, String(opset), adapters.join(','), JSON.stringify(offer)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: withHeapLimit(process.env['NODE_OPTIONS'], 8192) },
    });
    let pending = '';
    let current: string | null = 'import';
    let stderr = '';
    let lastMark = performance.now();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutS * 1000);
    };
    arm();
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
          arm();
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
          ? timeoutMessage(current, timeoutS)
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

/**
 * The row of a model zoo.py could not export. When torch.onnx refused the same operator at every
 * opset, that is PyTorch's limit, and the note says so in those words rather than quoting the
 * first opset's message alone.
 */
function exportFailureNote(meta: ExportMeta): string {
  const failed = Object.entries(meta.exports ?? {}).filter(([, e]) => !e.ok);
  const operators = new Set(failed.map(([, e]) => /UnsupportedOperatorError: Exporting the operator '([^']+)'/.exec(e.error ?? '')?.[1]));
  const [operator] = [...operators];
  if (failed.length > 0 && failed.length === Object.keys(meta.exports ?? {}).length && operators.size === 1 && operator !== undefined) {
    return `PyTorch cannot export it: torch.onnx ${meta.torch ?? ''} has no export of '${operator}' at opset ${failed.map(([opset]) => opset).join(' or ')} (UnsupportedOperatorError); nothing to import`;
  }
  return `not exported: ${meta.reason ?? meta.status}`;
}

function readReport(file: string): ZooReport {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ZooReport) : { machines: {}, atol: ATOL, rtol: RTOL, adapters: [], models: {} };
}

/** This machine's key in ZooReport.machines: its CPU model. */
function machineKey(): string {
  return os.cpus()[0]?.model.trim() ?? 'unknown CPU';
}

/**
 * The report as this run sees it, and its changes. Every change is kept as a function, so that
 * save() can read the file again and apply this run's changes to what another run wrote meanwhile.
 */
class ReportWriter {
  private readonly changes: ((r: ZooReport) => void)[] = [];
  report: ZooReport;

  constructor(private readonly file: string) {
    this.report = readReport(file);
  }

  change(apply: (r: ZooReport) => void): void {
    apply(this.report);
    this.changes.push(apply);
  }

  entry(name: string, init: () => ModelEntry): ModelEntry {
    this.change((r) => void (r.models[name] ??= init()));
    return this.report.models[name]!;
  }

  setCell(name: string, opset: number, adapter: string, cell: Cell): void {
    this.change((r) => {
      const cells = (r.models[name]!.cells[String(opset)] ??= {});
      cells[adapter] = cell;
    });
  }

  save(): void {
    const fresh = readReport(this.file);
    for (const apply of this.changes) apply(fresh);
    this.report = fresh;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, `${JSON.stringify(fresh, null, 1)}\n`);
  }
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === '--worker') {
    await worker(argv[1]!, Number(argv[2]), argv[3] ? argv[3].split(',').filter(Boolean) : [], argv[4] ? (JSON.parse(argv[4]) as ShareOffer | null) : null);
    return;
  }
  const o = parseOptions(argv);
  const writer = new ReportWriter(o.out);
  if (o.render) {
    renderIntoDoc(writer.report, o.doc);
    console.log(`rendered ${o.out} into ${o.doc}`);
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
  const machine = machineKey();
  const description = machineLine();
  writer.change((r) => {
    r.machines[machine] = description;
    for (const a of adapters) if (!r.adapters.includes(a)) r.adapters.push(a);
  });
  if (!fs.existsSync(o.dir)) throw new Error(`no exported models in ${o.dir}: run /usr/bin/python3 tools/fixtures/zoo.py first`);
  const exported = fs.readdirSync(o.dir).filter((d) => fs.existsSync(path.join(o.dir, d, 'meta.json')));
  // Every architecture zoo.py knows gets a row, exported or not yet.
  for (const name of zooArchitectures()) {
    if (!exported.includes(name) && writer.report.models[name] === undefined) {
      writer.entry(name, () => ({ kind: '', input: null, params: null, note: 'not exported yet (tools/fixtures/zoo.py had not reached it)', cells: {} }));
    }
  }
  const stamp = (cell: Cell): Cell => ({ ...cell, machine, date: new Date().toISOString().slice(0, 10) });
  // --only runs in the order given (cheapest first, say); otherwise by name.
  const names = o.only ?? exported.sort();
  for (const name of names) {
    const meta = readMeta(o.dir, name);
    if (meta === null) throw new Error(`${name}: no ${path.join(o.dir, name, 'meta.json')}; export it with tools/fixtures/zoo.py --only ${name}`);
    if (meta.status === 'skipped' && writer.report.models[name]?.cells['17'] !== undefined) {
      // zoo.py's --max-params left it out of this export; the report's rows of an earlier export stay.
      console.error(`${name}: ${meta.reason ?? 'skipped by zoo.py'}; its rows stay as they are`);
      continue;
    }
    writer.entry(name, () => ({ kind: meta.kind, input: meta.input ?? null, params: meta.params ?? null, cells: {} }));
    writer.change((r) => {
      const e = r.models[name]!;
      e.kind = meta.kind;
      if (meta.input) e.input = meta.input;
      if (meta.params !== undefined) e.params = meta.params;
      if (meta.status === 'ok') delete e.note;
      else e.note = exportFailureNote(meta);
    });
    if (meta.status !== 'ok') {
      writer.save();
      continue;
    }
    // The opset with more adapter cells first: its import's fingerprint is what the other may share.
    const adapterCells = (opset: number): number => Object.keys(writer.report.models[name]!.cells[String(opset)] ?? {}).filter((a) => a !== 'import').length;
    for (const opset of [...o.opsets].sort((a, b) => adapterCells(b) - adapterCells(a) || b - a)) {
      const exp = meta.exports?.[String(opset)];
      if (!exp?.ok) {
        writer.setCell(name, opset, 'import', stamp({ status: 'error', message: `torch.onnx.export failed: ${exp?.error ?? 'not exported'}` }));
        continue;
      }
      // Read afresh: save() replaces the report with the file's latest state.
      const entry = writer.report.models[name]!;
      const cells = entry.cells[String(opset)] ?? {};
      const bigSkip = (meta.params ?? 0) > o.maxParams;
      let todo = adapters.filter((a) => o.force || cells[a] === undefined || cells[a]!.status === 'skipped');
      // An import recorded before fingerprints existed is redone to get one.
      const needImport = o.force || cells['import'] === undefined || (cells['import'].status === 'pass' && cells['import'].fingerprint === undefined);
      if (bigSkip) for (const a of todo) writer.setCell(name, opset, a, { status: 'skipped', message: `${((meta.params ?? 0) / 1e6).toFixed(0)}M parameters: over this run's --max-params` });
      // The other opsets' cells this opset would share if its import has their fingerprint.
      const offers = Object.entries(entry.cells).filter(([other]) => other !== String(opset));
      let offer: ShareOffer | null = null;
      if (o.share) {
        for (const [other, otherCells] of offers) {
          const fp = otherCells['import']?.fingerprint;
          if (fp === undefined) continue;
          const probe: ModelEntry = { ...entry, cells: { [String(opset)]: { import: { status: 'pass', fingerprint: fp } }, [other]: otherCells } };
          const sharable = todo.filter((a) => sharedCell(probe, String(opset), a) !== null);
          if (sharable.length > 0) offer = { fingerprint: fp, adapters: sharable };
          break;
        }
        if (!needImport && offer !== null && cells['import']?.fingerprint === offer.fingerprint) todo = todo.filter((a) => !offer!.adapters.includes(a));
      }
      const run = bigSkip ? [] : todo;
      if (!needImport && (run.length === 0 || cells['import']?.status !== 'pass')) continue;
      process.stderr.write(`${name} opset ${opset}: ${['import', ...run].join(', ')}${offer ? ` (shares ${offer.adapters.join(', ')} when its IR is ${offer.fingerprint})` : ''}\n`);
      // A forced cell that now shares the other opset's is removed, so the table shows the shared one.
      const forcedAway = offer !== null ? run.filter((a) => offer!.adapters.includes(a) && cells[a] !== undefined) : [];
      await runChild(path.join(o.dir, name), opset, run, offer, o.timeoutS, (adapter, cell) => {
        writer.setCell(name, opset, adapter, stamp(cell));
        process.stderr.write(`  ${adapter}: ${cellText(cell)} (${(cell.seconds ?? 0).toFixed(1)} s)\n`);
        writer.save();
      });
      const after = writer.report.models[name]!.cells[String(opset)] ?? {};
      if (offer !== null && after['import']?.fingerprint === offer.fingerprint) {
        for (const a of forcedAway) writer.change((r) => void delete r.models[name]!.cells[String(opset)]![a]);
      }
      if (after['import']?.status !== 'pass') for (const a of run) if (after[a] === undefined) writer.setCell(name, opset, a, { status: 'skipped', message: 'import failed' });
      writer.save();
    }
  }
  writer.save();
  renderIntoDoc(writer.report, o.doc);
  console.log(`wrote ${o.out} and the zoo table of ${o.doc}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 2;
});
