/**
 * The harness parts that need no browser: the wire format is exact, the server listens on
 * 127.0.0.1 only with cross-origin isolation headers and serves nothing outside its three
 * routes, the page bundles, and a missing Chromium makes the adapters unavailable with the reason.
 */
import * as http from 'http';
import { AdapterUnavailableError, tensor } from '@skipconn/core';
import { createBrowserAdapter, pageBundle, registerBrowserAdapters, startPageServer, BROWSER_ADAPTERS } from '@skipconn/browser-harness';
import { decodeTensor, encodeTensor } from '../src/wire';

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('wire format', () => {
  it('round-trips every dtype bit for bit (NaN, -0, Inf, int64 beyond 2^53, float16 bits)', () => {
    const cases = [
      tensor('float32', [2, 3], [NaN, -0, Infinity, -Infinity, 1.5, -2.25]),
      tensor('float64', [2], [Number.MIN_VALUE, -0]),
      tensor('int64', [2], BigInt64Array.of(2n ** 62n + 1n, -5n)),
      tensor('int32', [0, 3]),
      tensor('float16', [2], Uint16Array.of(0x7e01, 0x8000)),
      tensor('bool', [3], [1, 0, 1]),
    ];
    for (const t of cases) {
      const back = decodeTensor(JSON.parse(JSON.stringify(encodeTensor(t))));
      expect(back.dtype).toBe(t.dtype);
      expect(back.shape).toEqual(t.shape);
      expect(Buffer.from(back.data.buffer, back.data.byteOffset, back.data.byteLength)).toEqual(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
  });
});

describe('page server', () => {
  it('listens on 127.0.0.1 with COOP/COEP and serves only the page, its bundle and onnxruntime-web files', async () => {
    const server = await startPageServer('console.log("bundle")');
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await get(server.url);
      expect(page.status).toBe(200);
      expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(page.headers['cross-origin-embedder-policy']).toBe('require-corp');
      expect(page.body.toString()).toContain('<script type="module" src="/harness.js">');
      expect((await get(`${server.url}harness.js`)).body.toString()).toBe('console.log("bundle")');
      const wasm = await get(`${server.url}ort/ort-wasm-simd-threaded.wasm`);
      expect(wasm.status).toBe(200);
      expect(wasm.headers['content-type']).toBe('application/wasm');
      for (const p of ['ort/../package.json', 'ort/%2e%2e%2fpackage.json', 'package.json', 'ort/', 'ort/.bin']) expect((await get(`${server.url}${p}`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('page bundle', () => {
  it('bundles every provider: ort-web, webgpu and tfjs (webgl and webgpu backends)', async () => {
    const bundle = await pageBundle();
    expect(bundle.js).toContain('__skipconnHarness');
    expect([...bundle.excluded]).toEqual([]);
    expect(bundle.js).toContain('tfjs:webgl');
  }, 60_000);
});

describe('browser adapters', () => {
  it('are named <adapter>@chromium and register with the core registry', () => {
    expect(BROWSER_ADAPTERS).toEqual(['ort-web:wasm@chromium', 'ort-web:webgpu@chromium', 'webgpu@chromium', 'tfjs:webgl@chromium', 'tfjs:webgpu@chromium']);
    expect(registerBrowserAdapters()).toEqual(BROWSER_ADAPTERS);
  });

  it('are unavailable with the reason and the fix when Chromium is missing', async () => {
    const saved = process.env['SKIPCONN_CHROMIUM'];
    process.env['SKIPCONN_CHROMIUM'] = '/nonexistent/chromium';
    try {
      const adapter = createBrowserAdapter('ort-web:wasm');
      const err = await adapter.init().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AdapterUnavailableError);
      expect(err).toMatchObject({ adapter: 'ort-web:wasm@chromium', reason: 'no Chromium at /nonexistent/chromium', fix: expect.stringMatching(/apt-get install chromium/) });
    } finally {
      if (saved === undefined) delete process.env['SKIPCONN_CHROMIUM'];
      else process.env['SKIPCONN_CHROMIUM'] = saved;
    }
  });
});
