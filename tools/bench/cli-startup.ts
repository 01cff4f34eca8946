/**
 * `npm run bench -- --only cli`: how long `skipconn --help` takes to start, as users run it (the
 * built CLI, what bin/skipconn.js imports in an installed package) and in a checkout (the sources
 * through tsx), next to `node -e 0` in the same run. Medians of --cli-reps runs (default 9),
 * alternating the three commands. Builds the packages first (Nx cache) when dist/ is missing.
 * Writes bench-results/cli.{json,md}. A benchmark: it asserts nothing about time.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface StartupResult {
  readonly date: string;
  readonly machine: string;
  readonly reps: number;
  readonly commands: readonly { readonly name: string; readonly command: string; readonly medianS: number; readonly runsS: readonly number[] }[];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function timeOnce(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export function benchCliStartup(outDir: string, reps: number): StartupResult {
  const dist = path.join(ROOT, 'packages/cli/dist/index.mjs');
  if (!fs.existsSync(dist)) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  // The installed bin's code path: import dist/index.mjs and run main().
  const launcher = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-cli-bench-')), 'skipconn.mjs');
  fs.writeFileSync(launcher, `const { main } = await import(${JSON.stringify(dist)});\nprocess.exitCode = await main(process.argv.slice(2));\n`);
  const commands = [
    { name: 'node -e 0', command: 'node -e 0', args: ['-e', '0'] },
    { name: 'skipconn --help (built, as installed)', command: 'node <bin importing packages/cli/dist/index.mjs> --help', args: [launcher, '--help'] },
    { name: 'skipconn --help (checkout: sources through tsx)', command: 'node packages/cli/bin/skipconn.js --help', args: [path.join(ROOT, 'packages/cli/bin/skipconn.js'), '--help'] },
  ];
  for (const c of commands) timeOnce(c.args); // warm the file cache
  const runs = commands.map(() => [] as number[]);
  for (let i = 0; i < reps; i++) commands.forEach((c, j) => runs[j]!.push(timeOnce(c.args)));
  fs.rmSync(path.dirname(launcher), { recursive: true, force: true });
  const result: StartupResult = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
    reps,
    commands: commands.map((c, j) => ({ name: c.name, command: c.command, medianS: median(runs[j]!), runsS: runs[j]! })),
  };
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'cli.json'), `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'cli.md'), renderStartup(result));
  return result;
}

export function renderStartup(r: StartupResult): string {
  const base = r.commands[0]!.medianS;
  return [
    `CLI startup, ${r.date.slice(0, 10)}, ${r.machine}, median of ${r.reps} runs each (interleaved):`,
    '',
    '| command | median | vs `node -e 0` |',
    '|---|---|---|',
    ...r.commands.map((c) => `| ${c.name} | ${c.medianS.toFixed(3)} s | ${(c.medianS / base).toFixed(2)}x |`),
    '',
  ].join('\n');
}
