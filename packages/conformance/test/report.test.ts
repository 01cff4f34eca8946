/** The three reports, and the HTML one rendered in headless Chromium when it is installed. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { registerAdapter } from '@skipconn/core';
import { renderHtmlReport, renderJsonReport, renderTerminalReport, runConformance, type ConformanceReport } from '../src';
import { chromiumUnavailable, screenshotHtml } from '../../../tools/html-screenshot';
import { fakeAdapter } from './fakes';

registerAdapter(
  'test:report-wrong',
  () =>
    fakeAdapter({
      name: 'test:report-wrong',
      corrupt: (v) => {
        if (v.length > 2) v[2] = v[2]! + 0.25;
      },
    }),
  -100,
);
registerAdapter('test:report-gone', () => fakeAdapter({ name: 'test:report-gone', unavailable: 'needs a GPU </script><b>x</b>' }), -100);

let report: ConformanceReport;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-report-'));
  report = await runConformance({
    adapters: ['reference', 'test:report-wrong', 'test:report-gone'],
    filter: 'merge/gate|merge/highway|op/relu',
    expectFail: { 'test:report-wrong': { 'merge/gate/se/NCHW/[2,4,3,5]x[2,4,1,1]': 'known: adds 0.25 to element 2' } },
  });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('terminal: one row per case group, one column per adapter, failures listed', () => {
  const text = renderTerminalReport(report);
  const lines = text.split('\n');
  expect(lines[0]).toMatch(/^case group\s+reference\s+test:report-wrong\s+test:report-gone$/);
  expect(text).toMatch(/merge\/gate\s+20\/20\s+\d+\/20 \d+ FAIL 1 xfail\s+n\/a/);
  expect(text).toMatch(/op\/relu\s+11\/11/);
  expect(text).toContain('unavailable: test:report-gone: needs a GPU');
  expect(text).toContain('FAIL test:report-wrong  merge/highway/');
  expect(text).toContain('conformance: FAILED');
  expect(text).not.toContain('\x1b[');
  expect(renderTerminalReport(report, { color: true })).toContain('\x1b[31m');
});

test('JSON: the documented shape, exact through JSON', () => {
  const parsed = JSON.parse(renderJsonReport(report)) as ConformanceReport;
  expect(parsed).toEqual(report);
  expect(parsed.adapters.map((a) => [a.name, a.available])).toEqual([
    ['reference', true],
    ['test:report-wrong', true],
    ['test:report-gone', false],
  ]);
  for (const r of parsed.results) {
    expect(['pass', 'fail', 'skip', 'expected-fail']).toContain(r.status);
    expect(typeof r.case).toBe('string');
    expect(typeof r.ms).toBe('number');
  }
  expect(parsed.summary).toMatchObject({ expectedFail: 1, unavailable: ['test:report-gone'], ok: false });
});

test('HTML: one self-contained file with the report embedded and nothing external', () => {
  const html = renderHtmlReport(report, { generatedAt: 'fixed' });
  expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(html).toContain("default-src 'none'");
  expect(html).not.toMatch(/\b(src|href)\s*=/i);
  expect(html).not.toMatch(/https?:\/\//);
  // the unavailable reason holds '</script>': it must not end the data block early
  expect(html.match(/<\/script>/g)).toHaveLength(2);
  const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
  expect(JSON.parse(data)).toEqual(report);
});

const noBrowser = chromiumUnavailable();
if (noBrowser !== undefined) {
  // Printed, so a skipped screenshot check is never silent; CI installs chromium.
  console.warn(`skipping the HTML screenshot test: ${noBrowser}`);
}

(noBrowser === undefined ? test : test.skip)(
  `HTML renders in headless Chromium; clicking a failing cell shows its details${noBrowser ? ` (skipped: ${noBrowser})` : ''}`,
  async () => {
    const html = path.join(dir, 'report.html');
    fs.writeFileSync(html, renderHtmlReport(report));
    const png = path.join(dir, 'report.png');
    const r = await screenshotHtml(html, png);
    const bytes = fs.readFileSync(png);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(r.groups).toBe(3);
    expect(r.externalRequests).toEqual([]);
    expect(r.consoleErrors).toEqual([]);
    expect(r.clicked).toMatch(/^merge\/(gate|highway)\//);
    expect(r.details).toContain(r.clicked);
    expect(r.details).toContain('test:report-wrong');
    expect(r.details).toMatch(/worst index\s+\[/);
    expect(r.details).toContain('out of tolerance');
  },
  60_000,
);
