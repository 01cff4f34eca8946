/**
 * `skipconn conformance --browser`: the browser adapters in the same matrix and reports as the
 * Node ones (here the reference and ort-web:wasm@chromium side by side on a few cases).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { browserUnavailableReason } from '@skipconn/browser-harness';
import { requiredAdaptersFromEnv } from '@skipconn/conformance';
import { main } from '../../cli/src/main';

const reason = browserUnavailableReason();
const required = requiredAdaptersFromEnv().some((a) => a.endsWith('@chromium'));
if (reason !== undefined) console.warn(`skipconn conformance --browser tests skipped: ${reason}`);

(reason === undefined || required ? describe : describe.skip)('skipconn conformance --browser', () => {
  let tmp: string;
  beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-browser-cli-'))));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reports browser and Node adapters side by side in the terminal, JSON and HTML reports', async () => {
    let stdout = '';
    let stderr = '';
    const io = { out: (t: string) => void (stdout += `${t}\n`), err: (t: string) => void (stderr += `${t}\n`), isTTY: false, cwd: tmp };
    const code = await main(['conformance', '--browser', '--adapters', 'reference,ort-web:wasm@chromium', '--filter', 'merge/residual/plain', '--json', 'r.json', '--html', 'r.html'], io);
    expect(stderr).toMatch(/conformance: running ort-web:wasm@chromium/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/ran: ort-web:wasm@chromium: wasm \/ onnxruntime-web 1\.30\.\d+ onnxruntime-web\/wasm in Chromium/);
    const report = JSON.parse(fs.readFileSync(path.join(tmp, 'r.json'), 'utf8')) as {
      adapters: { name: string; available: boolean }[];
      summary: { byAdapter: Record<string, { pass: number; fail: number; skip: number }> };
    };
    expect(report.adapters.map((a) => [a.name, a.available])).toEqual([
      ['reference', true],
      ['ort-web:wasm@chromium', true],
    ]);
    const browser = report.summary.byAdapter['ort-web:wasm@chromium']!;
    expect(browser.fail).toBe(0);
    // The float16 case is skipped (ort-web runs float32), every other one passes.
    expect(browser.pass + browser.skip).toBe(report.summary.byAdapter['reference']!.pass);
    expect(fs.readFileSync(path.join(tmp, 'r.html'), 'utf8')).toContain('ort-web:wasm@chromium');
  }, 120_000);

  it('exits 2 on --browser with a value', async () => {
    const io = { out: () => undefined, err: () => undefined, isTTY: false, cwd: tmp };
    expect(await main(['conformance', '--browser=yes'], io)).toBe(2);
  });
});
