#!/usr/bin/env node
/**
 * Packs what `tools/gpu/run.sh` needs on a GPU machine that has python3 (with PyTorch) but no
 * Node.js and no network, into the git-ignored `.gpu/` (what travels there is limited to 64 MiB):
 *
 *   .gpu/node.xz          this machine's Node binary, xz-compressed
 *   .gpu/bundle.tar.xz    bundle/: the bench (bench.js), the webgpu adapter's worker (worker.cjs),
 *                         the two peers (peer-tfjs.js, peer-ort.js) and the webgpu conformance
 *                         runner (conformance.js), bundled by esbuild from the TypeScript sources;
 *                         the conformance cases and goldens; node_modules/webgpu (Dawn's
 *                         dawn.node for linux-x64) and node_modules/onnxruntime-web (its CommonJS
 *                         /all build and the JSEP .mjs and .wasm it loads); models/<size>/<name>/
 *                         (the whole models' weight-less skeletons and meta.json)
 *   .gpu/gl/*.deb         the Vulkan loader and GL libraries for Dawn (apt-get download, amd64)
 *
 * Usage: node tools/gpu/build.cjs [--sizes full[,small]] [--skip-debs]
 * `--sizes small` adds the SwiftShader sizes (to try run.sh here with SIZES=quick). The skeletons
 * are made first when missing (tools/bench/models/make-skeletons.ts, which exports with
 * tools/fixtures/bench_models.py where model.onnx is missing: minutes for ViT-B/16 at 224). Prints every part's size and fails when the
 * total is over 60 MiB.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, '.gpu');
const STAGE = path.join(OUT, 'stage');
const BUNDLE = path.join(STAGE, 'bundle');
const LIMIT_MIB = 60;
const MODEL_NAMES = ['encoder', 'mobilenet_v2', 'densenet121', 'resnet50', 'vit_b_16'];

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const sizes = (arg('--sizes') ?? 'full').split(',');
for (const s of sizes) if (s !== 'full' && s !== 'small') throw new Error(`--sizes: expected full and/or small, received ${s}`);

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const copy = (from, to) => {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true });
};

function bundleScripts() {
  const esbuild = require(require.resolve('esbuild', { paths: [ROOT] }));
  const entries = [
    ['tools/bench/index.ts', 'bench.js'],
    ['packages/webgpu/src/node/worker.ts', 'worker.cjs'],
    ['tools/bench/peers/tfjs-child.ts', 'peer-tfjs.js'],
    ['tools/bench/peers/ort-child.ts', 'peer-ort.js'],
    ['tools/bench/conformance.ts', 'conformance.js'],
  ];
  for (const [entry, out] of entries) {
    esbuild.buildSync({
      entryPoints: [path.join(ROOT, entry)],
      outfile: path.join(BUNDLE, out),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      tsconfig: path.join(ROOT, 'tsconfig.json'),
      // Loaded at run time from bundle/node_modules (native binding, wasm next to its loader), or
      // never on the GPU machine (runtimes other sections or adapters would import).
      external: ['webgpu', 'onnxruntime-web', 'onnxruntime-web/*', 'onnxruntime-node', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'tsx', 'tsx/*'],
      logLevel: 'error',
      legalComments: 'none',
      // The packages' `sideEffects` lists name their dist/ entries, so esbuild would drop the
      // import of a source entry that registers an adapter (conformance.ts's '@skipconn/webgpu').
      ignoreAnnotations: true,
    });
  }
}

function copyRuntimes() {
  const nm = path.join(ROOT, 'node_modules');
  const dawn = path.join(nm, 'webgpu', 'dist', 'linux-x64', 'dawn.node');
  if (!fs.existsSync(dawn)) throw new Error(`${dawn} not found: run npm ci first`);
  copy(path.join(nm, 'webgpu', 'package.json'), path.join(BUNDLE, 'node_modules', 'webgpu', 'package.json'));
  copy(dawn, path.join(BUNDLE, 'node_modules', 'webgpu', 'dist', 'linux-x64', 'dawn.node'));
  const ort = path.join(nm, 'onnxruntime-web');
  for (const f of ['package.json', 'dist/ort.all.min.js', 'dist/ort-wasm-simd-threaded.jsep.mjs', 'dist/ort-wasm-simd-threaded.jsep.wasm']) {
    copy(path.join(ort, f), path.join(BUNDLE, 'node_modules', 'onnxruntime-web', f));
  }
  for (const d of ['cases', 'goldens']) copy(path.join(ROOT, 'packages', 'conformance', d), path.join(BUNDLE, 'packages', 'conformance', d));
}

function copyModels() {
  const from = path.join(ROOT, 'bench-results', 'whole-models');
  const made = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'tools', 'bench', 'models', 'make-skeletons.ts'), '--sizes', sizes.join(',')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (made.status !== 0) throw new Error('making the skeletons failed (tools/bench/models/make-skeletons.ts, output above)');
  const missing = [];
  for (const size of sizes) {
    for (const name of MODEL_NAMES) {
      const skeleton = path.join(from, size, name, 'model.skeleton.onnx');
      if (!fs.existsSync(skeleton)) {
        missing.push(`${size}/${name}`);
        continue;
      }
      copy(skeleton, path.join(BUNDLE, 'models', size, name, 'model.skeleton.onnx'));
      copy(path.join(from, size, name, 'meta.json'), path.join(BUNDLE, 'models', size, name, 'meta.json'));
    }
  }
  if (missing.length > 0) {
    throw new Error(`skeletons missing for ${missing.join(', ')}: npx tsx tools/bench/models/make-skeletons.ts --sizes ${sizes.join(',')} makes them`);
  }
}

function packNode() {
  const node = fs.realpathSync(process.execPath);
  execFileSync('sh', ['-c', `xz -T2 -6 -c "${node}" > "${path.join(OUT, 'node.xz')}"`], { stdio: 'inherit' });
}

function downloadDebs() {
  const gl = path.join(OUT, 'gl');
  if (fs.existsSync(gl) && fs.readdirSync(gl).some((f) => f.endsWith('.deb'))) return;
  fs.mkdirSync(gl, { recursive: true });
  fs.mkdirSync('/tmp/skipconn-apt-amd64/partial', { recursive: true });
  const o = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', '-oDir::State::Lists=/tmp/skipconn-apt-amd64'];
  const update = spawnSync('apt-get', [...o, 'update'], { stdio: 'inherit' });
  if (update.status !== 0) throw new Error('apt-get update failed: the Vulkan loader .deb files cannot be downloaded (or pass --skip-debs when the GPU machine has libvulkan1)');
  execFileSync('apt-get', [...o, 'download', 'libvulkan1', 'libegl1', 'libglvnd0', 'libopengl0', 'libgl1', 'libglx0', 'libgles2'], { cwd: gl, stdio: 'inherit' });
}

function main() {
  fs.rmSync(STAGE, { recursive: true, force: true });
  fs.mkdirSync(BUNDLE, { recursive: true });
  bundleScripts();
  copyRuntimes();
  copyModels();
  execFileSync('sh', ['-c', `tar -C "${STAGE}" -cf - bundle | xz -T2 -6 > "${path.join(OUT, 'bundle.tar.xz')}"`], { stdio: 'inherit' });
  if (!fs.existsSync(path.join(OUT, 'node.xz'))) packNode();
  if (!process.argv.includes('--skip-debs')) downloadDebs();
  let total = 0;
  const parts = [path.join(OUT, 'node.xz'), path.join(OUT, 'bundle.tar.xz')];
  const gl = path.join(OUT, 'gl');
  if (fs.existsSync(gl)) parts.push(...fs.readdirSync(gl).map((f) => path.join(gl, f)));
  for (const p of parts) {
    const size = fs.statSync(p).size;
    total += size;
    console.log(`${path.relative(ROOT, p)}: ${mib(size)}`);
  }
  console.log(`total: ${mib(total)} (limit ${LIMIT_MIB} MiB; carry .gpu/node.xz, .gpu/bundle.tar.xz and .gpu/gl, then: sh tools/gpu/run.sh)`);
  if (total > LIMIT_MIB * 2 ** 20) throw new Error(`the GPU files are ${mib(total)}, over the ${LIMIT_MIB} MiB limit`);
}

try {
  main();
} catch (err) {
  console.error(`build.cjs: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
