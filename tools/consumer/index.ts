/**
 * The consumer test: every package as a user installs it. Builds the workspace, packs each
 * package, publishes the tarballs to a throwaway registry on 127.0.0.1 (everything else comes from
 * the real npm registry), and in fresh projects under the system temp folder (never under this
 * repository, so the workspace's node_modules cannot leak in):
 *   1. a Node app as ES module and as CommonJS runs an ONNX ResNet and an IR example on every
 *      Node adapter and compares each with the reference evaluator (and the ResNet with PyTorch);
 *   2. a TypeScript project type-checks against the .d.ts files (node16 ESM and CJS, bundler;
 *      strict, exactOptionalPropertyTypes, skipLibCheck false);
 *   3. a Vite production build of a browser app runs in headless Chromium on every browser adapter;
 *   4. the CLI installed globally, then an adapter package added in a second install;
 *   5. publint and @arethetypeswrong/cli on every package.
 * Prints one line per check and `consumer: N passed, N failed`; writes reports/consumer.json.
 *
 *   npm run test:consumer [-- --no-build] [-- --keep]
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHROMIUM_FLAGS, chromiumPath } from '@skipconn/browser-harness';
import { startRegistry, type PackedPackage } from './registry';

const ROOT = path.resolve(__dirname, '..', '..');
const HERE = __dirname;
const args = new Set(process.argv.slice(2));

/** Node adapters every consumer app must run (webgpu and ort-web:webgpu through SwiftShader here). */
const NODE_ADAPTERS = ['reference', 'ort-node:cpu', 'tfjs:cpu', 'tfjs:wasm', 'ort-web:wasm', 'webgpu'];
/** Peers a Node user installs beside the adapters, at the versions this repository tests. */
const NODE_PEERS = [
  'onnxruntime-node@~1.30.0',
  'onnxruntime-web@~1.30.0',
  '@tensorflow/tfjs-core@4.22.0',
  '@tensorflow/tfjs-backend-cpu@4.22.0',
  '@tensorflow/tfjs-backend-wasm@4.22.0',
  '@tensorflow/tfjs-layers@4.22.0',
  'webgpu@0.6.2',
];

interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly ms: number;
}

const results: CheckResult[] = [];

async function check(name: string, run: () => Promise<string> | string): Promise<boolean> {
  const start = Date.now();
  let ok = true;
  let detail: string;
  try {
    detail = await run();
  } catch (err) {
    ok = false;
    detail = err instanceof Error ? err.message : String(err);
  }
  const ms = Date.now() - start;
  results.push({ name, ok, detail, ms });
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${name} (${(ms / 1000).toFixed(1)} s)${
      detail
        ? `: ${
            ok
              ? detail
              : `\n${detail
                  .split('\n')
                  .map((l) => `     ${l}`)
                  .join('\n')}`
          }`
        : ''
    }`,
  );
  return ok;
}

interface RunOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /** Exit codes that count as success (default 0 only). */
  readonly okCodes?: readonly number[];
}

interface Finished {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the command could not be started. */
  readonly error?: Error;
}

/**
 * Runs a command without blocking this process (the local registry answers from its event loop)
 * and resolves with how it ended, whatever the exit code; killed after options.timeoutMs.
 */
function shStatus(command: string, commandArgs: readonly string[], options: RunOptions): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ status: null, signal: null, stdout, stderr, error });
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** Runs a command; its stdout, or an error with the command, exit code and the output's tail. */
async function sh(command: string, commandArgs: readonly string[], options: RunOptions): Promise<string> {
  const r = await shStatus(command, commandArgs, options);
  if (r.error === undefined && r.status !== null && (options.okCodes ?? [0]).includes(r.status)) return r.stdout;
  const why = r.error !== undefined ? `failed: ${r.error.message}` : `exited ${r.status ?? r.signal}`;
  const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-25).join('\n');
  throw new Error(`${command} ${commandArgs.join(' ')} (in ${options.cwd}) ${why}\n${tail}`);
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function copyInto(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [to, from] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, to));
  }
}

/** Model files both apps use: the torchvision ResNet-18 fixture (with PyTorch's output) and an IR example. */
const MODEL_FILES: Readonly<Record<string, string>> = {
  'models/resnet18.onnx': path.join(ROOT, 'packages/onnx/test/fixtures/resnet18_narrow/model.onnx'),
  'models/resnet18-input.npy': path.join(ROOT, 'packages/onnx/test/fixtures/resnet18_narrow/input.npy'),
  'models/resnet18-output.npy': path.join(ROOT, 'packages/onnx/test/fixtures/resnet18_narrow/output.npy'),
  'models/resnet-basic-projection.json': path.join(ROOT, 'examples/resnet-basic-projection.json'),
  'models/resnet-basic-projection.safetensors': path.join(ROOT, 'examples/resnet-basic-projection.safetensors'),
};

interface ModelResult {
  readonly model: string;
  readonly adapter: string;
  readonly ok: boolean;
  readonly maxAbs?: number;
  readonly detail?: string;
  readonly ran?: { readonly backend?: string; readonly executionProvider?: string };
}

function judge(list: readonly ModelResult[], expectedAdapters: readonly string[]): string {
  const failed = list.filter((r) => !r.ok);
  const missing = expectedAdapters.filter((a) => !list.some((r) => r.adapter === a));
  if (failed.length > 0 || missing.length > 0) {
    throw new Error([...failed.map((r) => `${r.model} on ${r.adapter}: ${r.detail ?? `max abs ${r.maxAbs}`}`), ...missing.map((a) => `${a}: no result`)].join('\n'));
  }
  const worst = Math.max(...list.map((r) => r.maxAbs ?? 0));
  return `${list.length} model x adapter runs within 1e-4 + 1e-3|want| (worst max abs ${worst.toExponential(2)})`;
}

/** `file(line,col): error TSnnnn` lines of tsc's output (continuation lines dropped). */
function tscErrors(output: string): string[] {
  return output.split('\n').filter((l) => /^\S.*\(\d+,\d+\): error TS\d+/.test(l));
}

/** The first ```js block of the README's "Install and use" section (it must run as written). */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Install and use'));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  if (match === null) throw new Error('README.md: no ```js block under "## Install and use"');
  return match[1]!;
}

/** Packs every workspace package into `dir`; returns them with their sizes. */
async function packAll(dir: string): Promise<(PackedPackage & { size: number; unpackedSize: number; files: number })[]> {
  const out = await sh('npm', ['pack', '--workspaces', '--pack-destination', dir, '--json'], { cwd: ROOT });
  const list = JSON.parse(out) as { name: string; version: string; filename: string; size: number; unpackedSize: number; files: unknown[] }[];
  return list.map((p) => {
    const file = path.join(dir, p.filename);
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', p.name.replace('@skipconn/', ''), 'package.json'), 'utf8')) as Record<string, unknown>;
    return { name: p.name, version: p.version, file, manifest, size: p.size, unpackedSize: p.unpackedSize, files: p.files.length };
  });
}

/** Serves `dir` on 127.0.0.1 with the headers onnxruntime-web's threaded wasm needs (cross-origin isolation). */
async function serveStatic(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const file = path.join(dir, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname));
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': types[path.extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function runPage(url: string): Promise<ModelResult[]> {
  const { chromium } = await import('playwright-core');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-consumer-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath(), args: [...CHROMIUM_FLAGS], headless: true });
  try {
    const page = await context.newPage();
    const console: string[] = [];
    page.on('console', (m) => console.push(m.text()));
    page.on('pageerror', (e) => console.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { skipconnResults?: unknown }).skipconnResults !== undefined, undefined, { timeout: 300_000 });
    const value = (await page.evaluate(() => (window as unknown as { skipconnResults: unknown }).skipconnResults)) as ModelResult[] | { error: string };
    if (!Array.isArray(value)) throw new Error(`the page failed: ${value.error}\n${console.slice(-10).join('\n')}`);
    return value;
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-consumer-'));
  const npmEnv = { ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  console.log(`consumer projects in ${work}`);
  if (!args.has('--no-build')) await sh('npm', ['run', 'build'], { cwd: ROOT, timeoutMs: 900_000 });

  const tarballs = path.join(work, 'tarballs');
  fs.mkdirSync(tarballs);
  const packed = await packAll(tarballs);
  await check('npm pack every package', () => packed.map((p) => `${p.name} ${(p.size / 1024).toFixed(0)} kB (${(p.unpackedSize / 1024).toFixed(0)} kB unpacked, ${p.files} files)`).join('; '));

  for (const p of packed) {
    const dir = path.join(ROOT, 'packages', p.name.replace('@skipconn/', ''));
    await check(`publint ${p.name}`, async () => {
      const out = await sh('npx', ['publint', '--strict', dir], { cwd: ROOT });
      if (!out.includes('All good')) throw new Error(out);
      return '';
    });
    await check(`attw ${p.name}`, async () => {
      await sh('npx', ['attw', p.file, '--format', 'ascii'], { cwd: ROOT });
      return '';
    });
  }

  const upstream = (await sh('npm', ['config', 'get', 'registry'], { cwd: ROOT })).trim();
  const registry = await startRegistry(packed, upstream);
  const env = { ...npmEnv, npm_config_registry: registry.url };
  try {
    // 1 and 2: a Node project with every Node adapter and TypeScript.
    const nodeApp = path.join(work, 'node-app');
    fs.mkdirSync(nodeApp);
    writeJson(path.join(nodeApp, 'package.json'), { name: 'consumer-node-app', private: true, version: '1.0.0' });
    copyInto(nodeApp, {
      'app.mjs': path.join(HERE, 'node-app/app.mjs'),
      'app.cjs': path.join(HERE, 'node-app/app.cjs'),
      'check-models.cjs': path.join(HERE, 'node-app/check-models.cjs'),
      'esm.mts': path.join(HERE, 'types-app/esm.mts'),
      'cjs.cts': path.join(HERE, 'types-app/cjs.cts'),
      'tsconfig.node16.json': path.join(HERE, 'types-app/tsconfig.node16.json'),
      'tsconfig.bundler.json': path.join(HERE, 'types-app/tsconfig.bundler.json'),
      'tfjs-only.mts': path.join(HERE, 'types-app/tfjs-only.mts'),
      'tsconfig.tfjs-only.node16.json': path.join(HERE, 'types-app/tsconfig.tfjs-only.node16.json'),
      'tsconfig.tfjs-only.bundler.json': path.join(HERE, 'types-app/tsconfig.tfjs-only.bundler.json'),
      ...MODEL_FILES,
    });
    const nodeInstalled = await check('install the Node adapters and their peers in a fresh project', async () => {
      const pkgs = ['@skipconn/core', '@skipconn/onnx', '@skipconn/conformance', '@skipconn/cli', '@skipconn/onnxruntime-node', '@skipconn/onnxruntime-web', '@skipconn/tfjs', '@skipconn/webgpu'];
      await sh('npm', ['install', ...pkgs, ...NODE_PEERS, 'typescript@~5.9.3', '@types/node@^20.19.0'], { cwd: nodeApp, env, timeoutMs: 900_000 });
      return '';
    });
    if (nodeInstalled) {
      for (const app of ['app.mjs', 'app.cjs']) {
        await check(`node ${app}: ONNX ResNet-18 and an IR block on ${NODE_ADAPTERS.join(', ')}`, async () => {
          const out = await sh(process.execPath, [app, ...NODE_ADAPTERS], { cwd: nodeApp, timeoutMs: 600_000 });
          const last = out.trim().split('\n').pop() ?? '';
          const parsed = JSON.parse(last) as { results: ModelResult[] };
          return judge(parsed.results, [...NODE_ADAPTERS, 'reference vs PyTorch']);
        });
      }
      await check("the README's Node example, as written", async () => {
        fs.writeFileSync(path.join(nodeApp, 'readme-example.mjs'), readmeExample());
        fs.copyFileSync(path.join(nodeApp, 'models/resnet18.onnx'), path.join(nodeApp, 'resnet18.onnx'));
        fs.copyFileSync(path.join(nodeApp, 'models/resnet18-input.npy'), path.join(nodeApp, 'input.npy'));
        return (await sh(process.execPath, ['readme-example.mjs'], { cwd: nodeApp })).trim();
      });
      await check('skipconn conformance --browser from the installed CLI and browser harness (webgpu@chromium, ort-web:wasm@chromium)', async () => {
        await sh('npm', ['install', '@skipconn/browser-harness', 'playwright-core@^1.65.1', 'esbuild@~0.28.2'], { cwd: nodeApp, env, timeoutMs: 600_000 });
        const out = await sh(
          path.join(nodeApp, 'node_modules/.bin/skipconn'),
          ['conformance', '--browser', '--adapters', 'webgpu@chromium,ort-web:wasm@chromium', '--filter', 'merge/residual/plain/*', '--json', 'browser.json'],
          { cwd: nodeApp, timeoutMs: 600_000 },
        );
        const summary = out.trim().split('\n').slice(-2).join(' ');
        return summary;
      });
      for (const resolution of ['node16', 'bundler']) {
        await check(`tsc, moduleResolution ${resolution} (strict, exactOptionalPropertyTypes, skipLibCheck false)`, async () => {
          const tsc = path.join(nodeApp, 'node_modules/.bin/tsc');
          // tfjs's own declarations do not pass these flags; only errors tfjs alone does not have count.
          const tfjsOnly = tscErrors((await shStatus(tsc, ['-p', `tsconfig.tfjs-only.${resolution}.json`], { cwd: nodeApp })).stdout);
          const ours = tscErrors((await shStatus(tsc, ['-p', `tsconfig.${resolution}.json`], { cwd: nodeApp })).stdout);
          const extra = ours.filter((e) => !tfjsOnly.includes(e));
          if (extra.length > 0) throw new Error(extra.join('\n'));
          return `no errors (tfjs's own declarations have ${tfjsOnly.length} with these flags, with or without skipconn)`;
        });
      }
    }

    // 3: a Vite app in headless Chromium.
    const webApp = path.join(work, 'web-app');
    fs.mkdirSync(webApp);
    writeJson(path.join(webApp, 'package.json'), { name: 'consumer-web-app', private: true, version: '1.0.0', type: 'module' });
    copyInto(webApp, {
      'index.html': path.join(HERE, 'web-app/index.html'),
      'main.ts': path.join(HERE, 'web-app/main.ts'),
      'vite.config.mjs': path.join(HERE, 'web-app/vite.config.mjs'),
      ...Object.fromEntries(Object.entries(MODEL_FILES).map(([to, from]) => [`public/${to}`, from])),
    });
    const webInstalled = await check('install the browser packages, tfjs backends and Vite in a fresh project', async () => {
      const pkgs = ['@skipconn/core', '@skipconn/onnx', '@skipconn/onnxruntime-web', '@skipconn/tfjs', '@skipconn/webgpu'];
      const peers = ['onnxruntime-web@~1.30.0', '@tensorflow/tfjs-core@4.22.0', '@tensorflow/tfjs-backend-webgl@4.22.0', '@tensorflow/tfjs-backend-webgpu@4.22.0'];
      await sh('npm', ['install', ...pkgs, ...peers, 'vite@8.3.8'], { cwd: webApp, env, timeoutMs: 900_000 });
      const ortDist = path.join(webApp, 'node_modules/onnxruntime-web/dist');
      fs.mkdirSync(path.join(webApp, 'public/ort'), { recursive: true });
      for (const f of fs.readdirSync(ortDist)) if (/^ort-wasm.*\.(wasm|mjs)$/.test(f)) fs.copyFileSync(path.join(ortDist, f), path.join(webApp, 'public/ort', f));
      return '';
    });
    if (webInstalled) {
      const built = await check('vite build (production)', async () => {
        await sh(path.join(webApp, 'node_modules/.bin/vite'), ['build', '--mode', 'production'], { cwd: webApp, timeoutMs: 600_000 });
        const js = fs.readdirSync(path.join(webApp, 'dist/assets')).filter((f) => f.endsWith('.js'));
        return `${js.length} script(s) in dist/assets`;
      });
      if (built) {
        await check('the Vite app in headless Chromium: reference, webgpu, ort-web:wasm, ort-web:webgpu, tfjs:webgl, tfjs:webgpu', async () => {
          const server = await serveStatic(path.join(webApp, 'dist'));
          try {
            return judge(await runPage(server.url), ['reference', 'webgpu', 'ort-web:wasm', 'ort-web:webgpu', 'tfjs:webgl', 'tfjs:webgpu']);
          } finally {
            await server.close();
          }
        });
      }
    }

    // 4: the CLI installed globally, then an adapter package added later.
    const prefix = path.join(work, 'global');
    const bin = path.join(prefix, 'bin', 'skipconn');
    const cliDir = path.join(work, 'cli-work');
    fs.mkdirSync(cliDir);
    copyInto(cliDir, MODEL_FILES);
    const cliInstalled = await check('npm install -g @skipconn/cli', async () => {
      await sh('npm', ['install', '-g', '--prefix', prefix, '@skipconn/cli'], { cwd: cliDir, env, timeoutMs: 600_000 });
      return '';
    });
    if (cliInstalled) {
      await check('skipconn --help and inspect with only the CLI installed', async () => {
        await sh(bin, ['--help'], { cwd: cliDir });
        const out = await sh(bin, ['inspect', 'models/resnet18.onnx'], { cwd: cliDir });
        if (!/skip connections: 8/.test(out)) throw new Error(`expected 8 skip connections:\n${out}`);
        return '';
      });
      await check('a missing optional peer is a usage error naming the install command (exit 2)', async () => {
        const r = await shStatus(bin, ['port', 'models/resnet-basic-projection.json', '--to', 'tfjs', '--out', 'tfjs-model', '--verify'], { cwd: cliDir });
        if (r.status !== 2 || !r.stderr.includes('npm install @skipconn/tfjs') || r.stderr.includes('    at ')) throw new Error(`exit ${r.status}: ${r.stderr}`);
        return r.stderr.trim();
      });
      const added = await check('npm install -g @skipconn/tfjs and tfjs, without tfjs-layers (a second install)', async () => {
        await sh('npm', ['install', '-g', '--prefix', prefix, '@skipconn/tfjs', '@tensorflow/tfjs-core@4.22.0', '@tensorflow/tfjs-backend-cpu@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0'], {
          cwd: cliDir,
          env,
          timeoutMs: 600_000,
        });
        const r = await shStatus(bin, ['port', 'models/resnet-basic-projection.json', '--to', 'tfjs', '--out', 'tfjs-model', '--verify'], { cwd: cliDir });
        if (r.status !== 2 || !r.stderr.includes('@tensorflow/tfjs-layers') || r.stderr.includes('    at ')) throw new Error(`port --to tfjs --verify without tfjs-layers: exit ${r.status}: ${r.stderr}`);
        // A third install, the command the message names (tfjs-layers with the tfjs-core it shares).
        const named = /\(npm install ([^)]*)\)/.exec(r.stderr)?.[1]?.split(' ') ?? [];
        if (named.length === 0) throw new Error(`no install command in: ${r.stderr}`);
        await sh('npm', ['install', '-g', '--prefix', prefix, ...named], { cwd: cliDir, env, timeoutMs: 600_000 });
        return `then \`npm install -g ${named.join(' ')}\`, as the message says: ${r.stderr.trim()}`;
      });
      if (added) {
        await check('skipconn adapters, run and port --to tfjs --verify with the adapter added later', async () => {
          const adapters = await sh(bin, ['adapters', '--json'], { cwd: cliDir });
          const list = JSON.parse(adapters) as { adapters: { name: string; available: boolean }[] };
          for (const name of ['reference', 'tfjs:cpu', 'tfjs:wasm']) if (!list.adapters.some((a) => a.name === name && a.available)) throw new Error(`${name} is not available:\n${adapters}`);
          await sh(bin, ['run', 'models/resnet18.onnx', '--adapter', 'tfjs:cpu', '--input', 'input=models/resnet18-input.npy', '--out', 'out'], { cwd: cliDir });
          await sh(bin, ['port', 'models/resnet18.onnx', '--to', 'tfjs', '--out', 'tfjs-model', '--verify', '--input', 'input=models/resnet18-input.npy'], { cwd: cliDir });
          await sh(bin, ['port', 'models/resnet-basic-projection.json', '--to', 'onnx', '--out', 'block.onnx'], { cwd: cliDir });
          return `${list.adapters.filter((a) => a.available).length} adapters available`;
        });
      }
    }
  } finally {
    await registry.close();
  }

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  writeJson(path.join(ROOT, 'reports', 'consumer.json'), { passed, failed, tarballs: packed.map(({ name, size, unpackedSize, files }) => ({ name, size, unpackedSize, files })), checks: results });
  if (!args.has('--keep')) fs.rmSync(work, { recursive: true, force: true });
  console.log(`consumer: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
