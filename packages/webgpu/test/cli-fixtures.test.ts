/**
 * The PyTorch fixture models through the real CLI (`skipconn run --adapter webgpu`), compared with
 * PyTorch's own outputs within atol 1e-4 + rtol 1e-3. Skips (with the reason) where no WebGPU
 * adapter exists, unless REQUIRE_ADAPTERS names webgpu.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { readNpyFile } from '@skipconn/core/node';
import { useGpu } from './gpu';

const root = path.join(__dirname, '..', '..', '..');
const fixtures = path.join(root, 'packages', 'onnx', 'test', 'fixtures');
const bin = path.join(root, 'packages', 'cli', 'bin', 'skipconn.js');
const gpu = useGpu();
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-webgpu-cli-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe.each(['resnet18_narrow', 'mobilenetv2_narrow', 'transformer_pre_ln', 'vit_tiny'])('skipconn run --adapter webgpu %s', (name) => {
  it('matches PyTorch', () => {
    if (gpu.adapter === undefined) return;
    const dir = path.join(fixtures, name);
    const r = spawnSync(process.execPath, [bin, 'run', path.join(dir, 'model.onnx'), '--adapter', 'webgpu', '--input', `input=${path.join(dir, 'input.npy')}`, '--out', path.join(out, name)], { encoding: 'utf8' });
    expect(r.stderr.split('\n').filter((l) => /^skipconn/.test(l))).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/on webgpu \(execution provider webgpu/);
    const got = readNpyFile(path.join(out, name, 'output.npy')).data as Float32Array;
    const want = readNpyFile(path.join(dir, 'output.npy')).data as Float32Array;
    expect(got.length).toBe(want.length);
    want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(w)));
  }, 120_000);
});
