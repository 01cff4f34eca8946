/**
 * The static server of the test page: 127.0.0.1 only, a random free port, cross-origin
 * isolation headers (COOP same-origin + COEP require-corp) so the page gets SharedArrayBuffer and
 * onnxruntime-web can use wasm threads. Serves the page, its bundle, and onnxruntime-web's dist
 * folder (the .wasm files and wasm glue) under /ort/. Nothing else on disk is reachable.
 */
import { createRequire } from 'module';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';

export interface PageServer {
  readonly url: string;
  close(): Promise<void>;
}

const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>skipconn harness loading</title></head>
<body><p>skipconn browser harness: the Node side drives this page through playwright.</p>
<script type="module" src="/harness.js"></script></body></html>
`;

/** The folder holding onnxruntime-web's .wasm and .mjs files. */
export function ortDistFolder(): string | undefined {
  try {
    // The package's exports hide package.json; its Node entry lives in dist/.
    return path.dirname(createRequire(__filename).resolve('onnxruntime-web'));
  } catch {
    return undefined;
  }
}

export async function startPageServer(bundle: string): Promise<PageServer> {
  const ortDist = ortDistFolder();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, { ...HEADERS, 'Content-Type': type });
      res.end(body);
    };
    if (url.pathname === '/' || url.pathname === '/index.html') return send(200, TYPES['.html']!, PAGE);
    if (url.pathname === '/harness.js') return send(200, TYPES['.js']!, bundle);
    if (url.pathname.startsWith('/ort/') && ortDist !== undefined) {
      const name = url.pathname.slice('/ort/'.length);
      // Flat file names only: no folders, no '..'.
      if (/^[A-Za-z0-9._-]+$/.test(name) && !name.startsWith('.')) {
        const file = path.join(ortDist, name);
        if (fs.existsSync(file) && fs.statSync(file).isFile()) return send(200, TYPES[path.extname(name)] ?? 'application/octet-stream', fs.readFileSync(file));
      }
    }
    return send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
