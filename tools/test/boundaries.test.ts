/**
 * Package boundaries, from the Nx tags in each package.json:
 *   scope:core         imports no other @skipconn package and no runtime (only relative files,
 *                      and Node built-ins in the modules of its Node-only entry: src/node.ts,
 *                      src/entry-file.ts and src/gpu/dawn-env.ts, which only it re-exports)
 *   scope:shared       (@skipconn/onnx) imports only @skipconn/core
 *   scope:conformance  imports only @skipconn/core
 *   scope:adapter      imports @skipconn/core and scope:shared packages, never another adapter
 *   scope:harness      (@skipconn/browser-harness) runs adapters in a browser: may import any
 *                      package but the CLI
 *   scope:cli          may import anything
 */
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const packagesDir = path.join(root, 'packages');

interface Pkg {
  dir: string;
  name: string;
  tag: string;
}

const packages: Pkg[] = fs
  .readdirSync(packagesDir)
  .filter((d) => fs.existsSync(path.join(packagesDir, d, 'package.json')))
  .map((d) => {
    const json = JSON.parse(fs.readFileSync(path.join(packagesDir, d, 'package.json'), 'utf8'));
    return { dir: path.join(packagesDir, d), name: json.name as string, tag: (json.nx?.tags ?? [])[0] as string };
  });
const tagOf = new Map(packages.map((p) => [p.name, p.tag]));

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.filter((s) => !s.startsWith('.'));
}

const NODE_BUILTINS = new Set(['fs', 'path', 'os', 'crypto', 'worker_threads', 'child_process', 'url', 'util', 'module', 'http', 'stream', 'zlib']);
/** Core's Node-only modules (reached only through @skipconn/core/node). */
const CORE_NODE_ONLY = [path.join('src', 'node.ts'), path.join('src', 'entry-file.ts'), path.join('src', 'gpu', 'dawn-env.ts')];

function packageOf(spec: string): string {
  const bare = spec.replace(/^node:/, '');
  return bare.startsWith('@') ? bare.split('/').slice(0, 2).join('/') : bare.split('/')[0]!;
}

describe('package boundaries (Nx tags)', () => {
  it('every package has a scope tag', () => {
    for (const p of packages) expect([p.name, p.tag]).toEqual([p.name, expect.stringMatching(/^scope:/)]);
  });

  for (const p of packages) {
    it(`${p.name} (${p.tag}) imports only what its tag allows`, () => {
      const violations: string[] = [];
      for (const file of sourceFiles(path.join(p.dir, 'src'))) {
        for (const spec of importsOf(file)) {
          const target = packageOf(spec);
          const targetTag = tagOf.get(target);
          const where = `${path.relative(root, file)} imports '${spec}'`;
          if (target === p.name) continue;
          switch (p.tag) {
            case 'scope:core':
              if (!(NODE_BUILTINS.has(target) && CORE_NODE_ONLY.some((f) => file.endsWith(path.join('packages', 'core', f))))) violations.push(where);
              break;
            case 'scope:shared':
            case 'scope:conformance':
              if (targetTag !== undefined && targetTag !== 'scope:core') violations.push(where);
              break;
            case 'scope:harness':
              if (targetTag === 'scope:cli') violations.push(where);
              break;
            case 'scope:adapter':
              if (targetTag !== undefined && targetTag !== 'scope:core' && targetTag !== 'scope:shared') violations.push(where);
              break;
          }
        }
      }
      expect(violations).toEqual([]);
    });
  }
});
