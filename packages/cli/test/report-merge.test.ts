/**
 * `skipconn report merge`: a conformance report and a check report from two separate runs,
 * joined into one matrix; the merged HTML opens in headless Chromium with both runs' adapters
 * side by side (the same screenshot check as the conformance report's).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadOnnxFile } from '@skipconn/onnx/node';
import { readNpyFile } from '@skipconn/core/node';
import { renderJsonReport, runCheck, runConformance, type ConformanceReport } from '@skipconn/conformance';
import '@skipconn/tfjs';
import { chromiumUnavailable, screenshotHtml } from '../../../tools/html-screenshot';
import { runCli } from './helpers';

const FIXTURES = path.resolve(__dirname, '..', '..', 'onnx', 'test', 'fixtures');
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-merge-'));
  const conformance = await runConformance({ adapters: ['reference'], filter: 'merge/residual/plain' });
  fs.writeFileSync(path.join(dir, 'cpu-ci.json'), renderJsonReport(conformance));
  const { validated, weights } = loadOnnxFile(path.join(FIXTURES, 'skip_zoo', 'model.onnx'));
  const check = await runCheck({
    model: path.join(FIXTURES, 'skip_zoo', 'model.onnx'),
    graph: validated,
    weights,
    feeds: { input: readNpyFile(path.join(FIXTURES, 'skip_zoo', 'input.npy')) },
    adapters: ['reference', 'tfjs:cpu'],
  });
  fs.writeFileSync(path.join(dir, 'check-run.json'), `${JSON.stringify(check, null, 2)}\n`);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('merges two runs: every adapter of both, names made unique by source, machine and runtime kept', async () => {
  const r = await runCli(['report', 'merge', 'cpu-ci.json', 'check-run.json', '--json', 'merged.json', '--html', 'merged.html'], dir);
  expect(r.stderr).toContain('merged HTML written');
  expect(r.code).toBe(0);
  const merged = JSON.parse(fs.readFileSync(path.join(dir, 'merged.json'), 'utf8')) as ConformanceReport;
  // Both runs have 'reference' on the same host, so the file names tell them apart.
  expect(merged.adapters.map((a) => a.name)).toEqual(['reference @ cpu-ci.json', 'reference @ check-run.json', 'tfjs:cpu']);
  expect(merged.adapters.map((a) => [a.adapter, a.source])).toEqual([
    ['reference', 'cpu-ci.json'],
    ['reference', 'check-run.json'],
    ['tfjs:cpu', 'check-run.json'],
  ]);
  expect(merged.adapters.every((a) => a.machine?.host === os.hostname())).toBe(true);
  expect(merged.adapters[2]!.backend).toContain('cpu');
  expect(merged.sources!.map((s) => s.format)).toEqual(['skipconn.conformance.report', 'skipconn.check.report']);
  const ids = new Set(merged.results.map((x) => x.case));
  expect([...ids].filter((id) => id.startsWith('check/'))).toEqual(['check/model.onnx/output']);
  expect([...ids].some((id) => id.startsWith('merge/residual/plain/'))).toBe(true);
  expect(merged.summary.ok).toBe(true);
  expect(r.stdout).toContain('reference @ check-run.json');
});

test.each([
  [['report'], 'expected the subcommand merge, received nothing'],
  [['report', 'merge'], 'needs at least one JSON report file'],
  [['report', 'merge', 'missing.json'], 'missing.json'],
  [['report', 'merge', 'not-a-report.json'], 'not-a-report.json: not a skipconn report: expected "format": "skipconn.conformance.report" or "skipconn.check.report", received "something else"'],
])('bad input exits 2: %j', async (args, message) => {
  fs.writeFileSync(path.join(dir, 'not-a-report.json'), '{"format": "something else"}');
  const r = await runCli(args, dir);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(message);
  expect(r.stderr).not.toContain('    at ');
});

const noBrowser = chromiumUnavailable();
if (noBrowser !== undefined) console.warn(`skipping the merged HTML screenshot test: ${noBrowser}`);

(noBrowser === undefined ? test : test.skip)(
  `the merged HTML shows both runs' adapters side by side in headless Chromium${noBrowser ? ` (skipped: ${noBrowser})` : ''}`,
  async () => {
    const html = path.join(dir, 'merged.html');
    if (!fs.existsSync(html)) expect((await runCli(['report', 'merge', 'cpu-ci.json', 'check-run.json', '--html', 'merged.html'], dir)).code).toBe(0);
    const png = path.join(dir, 'merged.png');
    const s = await screenshotHtml(html, png);
    const bytes = fs.readFileSync(png);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(s.externalRequests).toEqual([]);
    expect(s.consoleErrors).toEqual([]);
    expect(s.columns.slice(1)).toEqual(['reference @ cpu-ci.json', 'reference @ check-run.json', 'tfjs:cpu']);
    expect(s.groups).toBe(2); // merge/residual from the conformance run, check/model.onnx from the check run
    expect(s.details).toContain('machine');
    expect(s.details).toContain(os.hostname());
  },
  60_000,
);
