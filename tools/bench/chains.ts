/**
 * Large-graph section of `npm run bench` (`-- --only chains`): `inspect`, `run` (reference) and
 * `port` (IR -> ONNX, ONNX -> IR) on chains of N relu nodes, as IR JSON and as ONNX, in the
 * file's order, in reverse order (so the topological sort has to work), and (ONNX) with every
 * node sharing one name (so fresh-name generation has to work). Each command runs in a child
 * process of its own, which reports its wall time and peak RSS; sizes double so the growth is
 * visible (linear: 2x nodes, about 2x time and memory). Results: bench-results/chains.{json,md}.
 * A benchmark, never a test: nothing asserts a time.
 *
 * `tsx tools/bench/chains.ts --child <command args...>` is the child: it runs the CLI in-process
 * and prints one JSON line { code, wallMs, maxRssMb }.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { serializeGraph, validateGraph, type Graph, type NodeSpec } from '@skipconn/core';
import { writeNpyFile } from '@skipconn/core/node';
import { encodeModel, exportModel } from '@skipconn/onnx';
import { main } from '@skipconn/cli';

const WIDTH = 8;

/** x [1, WIDTH] -> relu -> relu -> ... (n nodes), as an IR graph; `reversed` lists the nodes last first. */
export function irChain(n: number, reversed: boolean): Graph {
  const nodes: NodeSpec[] = [];
  for (let i = 0; i < n; i++) nodes.push({ name: `r${i}`, op: 'relu', inputs: [i === 0 ? 'x' : `v${i - 1}`], outputs: [`v${i}`] });
  if (reversed) nodes.reverse();
  return { format: 'skipconn.graph', version: 1, name: `chain${n}`, inputs: [{ name: 'x', dtype: 'float32', shape: [1, WIDTH], layout: 'NC' }], outputs: [`v${n - 1}`], weights: [], nodes };
}

/** The same chain as an ONNX model (the exporter's), optionally reordered or with one shared node name. */
export function onnxChain(n: number, options: { reversed?: boolean; sharedName?: boolean } = {}): Uint8Array {
  const model = exportModel(validateGraph(irChain(n, false)), new Map());
  const nodes = model.graph!.node;
  if (options.sharedName) for (const node of nodes) node.name = 'relu';
  if (options.reversed) nodes.reverse();
  return encodeModel(model);
}

interface Row {
  readonly format: string;
  readonly variant: string;
  readonly nodes: number;
  readonly fileBytes: number;
  readonly command: string;
  readonly code: number;
  readonly wallMs: number;
  readonly maxRssMb: number;
}

function runChild(args: readonly string[]): { code: number; wallMs: number; maxRssMb: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join('tools', 'bench', 'chains.ts'), '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 600_000 });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as { code: number; wallMs: number; maxRssMb: number };
  } catch {
    return { code: r.status ?? -1, wallMs: NaN, maxRssMb: NaN };
  }
}

async function child(args: string[]): Promise<void> {
  const start = performance.now();
  const code = await main(args, { out: () => undefined, err: (t) => process.stderr.write(`${t.slice(0, 500)}\n`), isTTY: false, cwd: process.cwd() });
  const wallMs = performance.now() - start;
  process.stdout.write(`${JSON.stringify({ code, wallMs, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

export function renderChains(rows: readonly Row[], machine: string): string {
  const lines = [
    `# Large graphs: chains of relu nodes`,
    '',
    `${machine}. Each command in its own process (wall time of the command itself, peak RSS of the process, which includes ~100 MB of Node, tsx and module loading).`,
    '',
    '| format | variant | nodes | file | command | exit | time (s) | peak RSS (MB) |',
    '|---|---|---:|---:|---|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.format} | ${r.variant} | ${r.nodes} | ${(r.fileBytes / 1024).toFixed(0)} KB | ${r.command} | ${r.code} | ${(r.wallMs / 1000).toFixed(2)} | ${r.maxRssMb.toFixed(0)} |`);
  }
  return `${lines.join('\n')}\n`;
}

export async function benchChains(outDir: string, sizes: readonly number[]): Promise<Row[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-chains-'));
  const rows: Row[] = [];
  try {
    const x = path.join(dir, 'x.npy');
    writeNpyFile(x, { dtype: 'float32', shape: [1, WIDTH], data: new Float32Array(WIDTH).fill(0.5) });
    for (const n of sizes) {
      const files: { format: string; variant: string; file: string }[] = [];
      for (const reversed of [false, true]) {
        const ir = path.join(dir, `chain${n}${reversed ? '-reversed' : ''}.json`);
        fs.writeFileSync(ir, serializeGraph(irChain(n, reversed)));
        files.push({ format: 'ir', variant: reversed ? 'reversed' : 'in order', file: ir });
      }
      for (const [variant, options] of [
        ['in order', {}],
        ['reversed', { reversed: true }],
        ['shared names', { sharedName: true }],
      ] as const) {
        const onnx = path.join(dir, `chain${n}-${variant.replace(' ', '-')}.onnx`);
        fs.writeFileSync(onnx, onnxChain(n, options));
        files.push({ format: 'onnx', variant, file: onnx });
      }
      for (const f of files) {
        const commands: [string, string[]][] = [
          ['inspect', ['inspect', f.file]],
          ['run (reference)', ['run', f.file, '--input', `x=${x}`, '--out', path.join(dir, 'out')]],
          [f.format === 'ir' ? 'port --to onnx' : 'port --to ir', ['port', f.file, '--to', f.format === 'ir' ? 'onnx' : 'ir', '--out', path.join(dir, f.format === 'ir' ? 'ported.onnx' : 'ported.json')]],
        ];
        for (const [command, args] of commands) {
          const r = runChild(args);
          const row: Row = { format: f.format, variant: f.variant, nodes: n, fileBytes: fs.statSync(f.file).size, command, ...r };
          rows.push(row);
          console.log(`chains: ${row.format} ${row.variant} ${n} nodes, ${command}: exit ${row.code}, ${(row.wallMs / 1000).toFixed(2)} s, ${row.maxRssMb.toFixed(0)} MB`);
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(outDir, { recursive: true });
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}`;
  fs.writeFileSync(path.join(outDir, 'chains.json'), `${JSON.stringify({ machine, date: new Date().toISOString(), rows }, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'chains.md'), renderChains(rows, machine));
  return rows;
}

if (process.argv[2] === '--child') {
  void child(process.argv.slice(3));
}
