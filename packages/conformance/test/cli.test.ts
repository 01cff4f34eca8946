/**
 * `skipconn conformance` and `skipconn adapters` end to end: the real bin in a child process, so
 * exit codes, streams and written files are what a user gets.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'packages', 'cli', 'bin', 'skipconn.js');

function skipconn(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const { REQUIRE_ADAPTERS: _ignored, ...parentEnv } = process.env;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...parentEnv, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('conformance on reference passes, prints the matrix and writes JSON and HTML atomically', () => {
  const json = path.join(dir, 'r.json');
  const html = path.join(dir, 'r.html');
  const r = skipconn(['conformance', '--adapters', 'reference', '--filter', 'merge/residual', '--json', json, '--html', html]);
  expect(r.stderr).toContain('conformance: running reference');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/merge\/residual\s+\d+\/\d+/);
  expect(r.stdout).toContain('conformance: OK');
  const report = JSON.parse(fs.readFileSync(json, 'utf8'));
  expect(report.summary).toMatchObject({ fail: 0, ok: true });
  expect(report.results.length).toBeGreaterThan(40);
  expect(report.results.every((x: { case: string }) => x.case.startsWith('merge/residual/'))).toBe(true);
  expect(fs.readFileSync(html, 'utf8')).toContain('<!DOCTYPE html>');
  expect(fs.readdirSync(dir).sort()).toEqual(['r.html', 'r.json']); // no temp files left behind
}, 60_000);

test('bad usage exits 2 with one clear line', () => {
  const unknown = skipconn(['conformance', '--adapters', 'reference,nope']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("unknown adapter 'nope'");
  const option = skipconn(['conformance', '--bogus']);
  expect(option.code).toBe(2);
  expect(option.stderr).toContain('unknown option --bogus');
  const filter = skipconn(['conformance', '--filter', 'no/such/case']);
  expect(filter.code).toBe(2);
  expect(filter.stderr).toContain('selects no case');
}, 60_000);

test('a required adapter that cannot run fails the run (exit 1)', () => {
  const r = skipconn(['conformance', '--filter', 'merge/residual/literal'], { REQUIRE_ADAPTERS: 'reference,no-such-adapter' });
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('required but unavailable (REQUIRE_ADAPTERS): no-such-adapter');
  expect(r.stdout).toContain('conformance: FAILED');
}, 60_000);

test('conformance --json and --html into folders that do not exist yet create them; a folder path through a file is refused before the run', () => {
  const json = path.join(dir, 'new', 'reports', 'r.json');
  const html = path.join(dir, 'new', 'html', 'r.html');
  const r = skipconn(['conformance', '--adapters', 'reference', '--filter', 'merge/residual', '--json', json, '--html', html]);
  expect(r.code).toBe(0);
  expect(JSON.parse(fs.readFileSync(json, 'utf8')).summary).toMatchObject({ fail: 0, ok: true });
  expect(fs.readFileSync(html, 'utf8')).toContain('<!DOCTYPE html>');

  const blocker = path.join(dir, 'a-file');
  fs.writeFileSync(blocker, 'x');
  const bad = skipconn(['conformance', '--adapters', 'reference', '--filter', 'merge/residual', '--json', path.join(blocker, 'r.json')]);
  // --json asks for errors as JSON (on stdout); the path is checked before any case runs.
  expect(bad.code).toBe(2);
  expect(JSON.parse(bad.stdout).error).toMatchObject({ code: 'FILE_IO', message: `${blocker}: cannot use as the output folder: it exists and is not a folder` });
  expect(bad.stderr).not.toContain('running reference');
}, 60_000);

test('adapters --json lists every registered adapter with availability and reasons', () => {
  const r = skipconn(['adapters', '--json']);
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(report.adapters[0]).toMatchObject({ name: 'reference', available: true, reason: null });
  for (const a of report.adapters) {
    expect(typeof a.available).toBe('boolean');
    if (!a.available) expect(typeof a.reason).toBe('string');
  }
  expect(Array.isArray(report.packages)).toBe(true);
}, 60_000);
