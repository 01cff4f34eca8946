/**
 * A minimal npm registry on 127.0.0.1 for the consumer test: it serves the packed @skipconn
 * tarballs as if they were published, and redirects every other request to the real registry.
 * So the fresh projects install exactly as a user's would after publishing (`npm install
 * @skipconn/tfjs`), dependency ranges and all, and nothing is installed from the workspace.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  /** Absolute path of the .tgz. */
  readonly file: string;
  /** The package.json inside the tarball (as npm pack reported it). */
  readonly manifest: Record<string, unknown>;
}

export interface LocalRegistry {
  readonly url: string;
  close(): Promise<void>;
}

function packument(pkg: PackedPackage, baseUrl: string): string {
  const data = fs.readFileSync(pkg.file);
  const tarball = `${baseUrl}/-/${encodeURIComponent(pkg.name)}/${path.basename(pkg.file)}`;
  const version = {
    ...pkg.manifest,
    name: pkg.name,
    version: pkg.version,
    dist: {
      tarball,
      shasum: createHash('sha1').update(data).digest('hex'),
      integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
    },
  };
  return JSON.stringify({ name: pkg.name, 'dist-tags': { latest: pkg.version }, versions: { [pkg.version]: version } });
}

export async function startRegistry(packages: readonly PackedPackage[], upstream: string): Promise<LocalRegistry> {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const byTarball = new Map(packages.map((p) => [`/-/${encodeURIComponent(p.name)}/${path.basename(p.file)}`, p]));
  let baseUrl = '';
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const local = byName.get(decodeURIComponent(url.slice(1)));
    if (local !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(packument(local, baseUrl));
      return;
    }
    const tarball = byTarball.get(url);
    if (tarball !== undefined) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      fs.createReadStream(tarball.file).pipe(res);
      return;
    }
    res.writeHead(302, { location: `${upstream.replace(/\/$/, '')}${url}` });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: baseUrl, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
