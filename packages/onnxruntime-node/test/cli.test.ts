/**
 * @jest-environment ./packages/onnxruntime-node/test/environment.js
 */
/**
 * The CLI over ONNX: `inspect model.onnx` lists the ResNet fixture's residuals, `run` writes
 * <out>/<output>.npy and names the execution provider, `port --to onnx|ir --verify` converts and
 * checks, exiting 1 when the target differs beyond tolerance.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../cli/src/main';
import { GraphBuilder, tensor } from '@skipconn/core';
import { readNpyFile, saveGraphFile, writeNpyFile } from '@skipconn/core/node';
import { expectClose } from '../../onnx/test/compare';
import { FIXTURES } from '../../onnx/test/fixture-files';

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (t) => void (stdout += `${t}\n`), err: (t) => void (stderr += `${t}\n`), isTTY: false, cwd });
  return { code, stdout, stderr };
}

describe('skipconn CLI with ONNX models', () => {
  let tmp: string;
  beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-cli-onnx-'))));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const resnet = path.join(FIXTURES, 'resnet18_narrow');

  it('inspect lists every residual of the ResNet fixture', async () => {
    const r = await cli(['inspect', path.join(resnet, 'model.onnx'), '--json'], tmp);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.format).toBe('onnx');
    expect(report.skips.map((s: { kind: string }) => s.kind)).toEqual(Array(8).fill('residual'));
    const text = await cli(['inspect', path.join(resnet, 'model.onnx')], tmp);
    expect(text.stdout).toMatch(/skip connections: 8/);
    expect(text.stdout).toMatch(/projection shortcut \(\/layer2\/layer2\.0\/downsample/);
  });

  it.each(['ort-node:cpu', 'reference'])('run on %s writes outputs that match PyTorch', async (adapter) => {
    const out = path.join(tmp, `run-${adapter.replace(':', '-')}`);
    const r = await cli(['run', path.join(resnet, 'model.onnx'), '--adapter', adapter, '--input', `input=${path.join(resnet, 'input.npy')}`, '--out', out, '--json'], tmp);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['model', 'format', 'adapter', 'executionProvider', 'backend', 'outputs']);
    if (adapter === 'ort-node:cpu') expect(report.executionProvider).toBe('CPUExecutionProvider');
    expect(report.outputs).toEqual([{ name: 'output', dtype: 'float32', shape: [1, 10], file: path.join(out, 'output.npy') }]);
    expectClose(readNpyFile(path.join(out, 'output.npy')), readNpyFile(path.join(resnet, 'output.npy')), 1e-4, 1e-3, 'run output');
    const text = await cli(['run', path.join(resnet, 'model.onnx'), '--adapter', adapter, '--input', `input=${path.join(resnet, 'input.npy')}`, '--out', out], tmp);
    expect(text.stdout).toMatch(new RegExp(`on ${adapter}`));
  });

  it('run refuses missing inputs and unavailable adapters with exit 2', async () => {
    const missing = await cli(['run', path.join(resnet, 'model.onnx'), '--adapter', 'ort-node:cpu', '--out', tmp], tmp);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing --input for 'input'; the model takes: input=<file.npy> \(float32 \[1,3,64,64\]\)/);
    const cuda = await cli(['run', path.join(resnet, 'model.onnx'), '--adapter', 'ort-node:cuda', '--input', `input=${path.join(resnet, 'input.npy')}`, '--out', tmp], tmp);
    expect(cuda.code).toBe(2);
    expect(cuda.stderr).toMatch(/ort-node:cuda is unavailable/);
  });

  it.each(['onnx', 'ir'])('port --to %s --verify passes', async (to) => {
    const out = path.join(tmp, to === 'onnx' ? 'zoo.onnx' : 'zoo.json');
    const r = await cli(['port', path.join(FIXTURES, 'skip_zoo', 'model.onnx'), '--to', to, '--out', out, '--verify', '--adapter', 'ort-node:cpu'], tmp);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('verify (atol 0.0001, rtol 0.001): ok\n  ok   output: max abs error');
    expect(fs.existsSync(out)).toBe(true);
    if (to === 'ir') expect(fs.existsSync(path.join(tmp, 'zoo.safetensors'))).toBe(true);
  });

  it('port --verify exits 1 and prints max errors when the target differs', async () => {
    // A documented divergence: onnxruntime's MaxPool skips NaN, the IR (reference) propagates it.
    const b = new GraphBuilder('maxpool-nan');
    b.output(b.node('maxPool2d', [b.input('x', [1, 1, 2, 2], { layout: 'NCHW' })], { kernel: [2, 2], strides: [2, 2] }, 'pool'));
    const built = b.build();
    const model = path.join(tmp, 'pool.json');
    saveGraphFile(model, built.graph, built.weights);
    const x = path.join(tmp, 'nan.npy');
    writeNpyFile(x, tensor('float32', [1, 1, 2, 2], [NaN, 1, 2, 3]));
    const r = await cli(['port', model, '--to', 'onnx', '--out', path.join(tmp, 'pool.onnx'), '--verify', '--adapter', 'ort-node:cpu', '--input', `x=${x}`], tmp);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('verify (atol 0.0001, rtol 0.001): FAILED\n  FAIL pool: max abs error Infinity');
    const ok = await cli(['port', model, '--to', 'onnx', '--out', path.join(tmp, 'pool.onnx'), '--verify', '--adapter', 'ort-node:cpu'], tmp);
    expect(ok.code).toBe(0);
  });

  it('port refuses unknown targets with exit 2', async () => {
    const r = await cli(['port', path.join(resnet, 'model.onnx'), '--to', 'caffe', '--out', path.join(tmp, 'x')], tmp);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--to must be one of onnx, ir/);
  });
});
