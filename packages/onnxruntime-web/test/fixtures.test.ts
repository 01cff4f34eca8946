/**
 * Real PyTorch models (packages/onnx/test/fixtures: torch.onnx.export, opset 17, seeded weights)
 * through `skipconn run --adapter ort-web:wasm`: imported to IR, exported again by skipconn, run by
 * onnxruntime-web, within atol 1e-4 + rtol 1e-3 of PyTorch's own output.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readNpyFile } from '@skipconn/core/node';
import { main } from '../../cli/src/main';
import { expectClose } from '../../onnx/test/compare';
import { FIXTURES, fixtureNames } from '../../onnx/test/fixture-files';

describe('PyTorch fixtures via `skipconn run --adapter ort-web:wasm`', () => {
  let tmp: string;
  beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-ort-web-'))));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it.each(fixtureNames())('%s matches PyTorch', async (name) => {
    const dir = path.join(FIXTURES, name);
    const out = path.join(tmp, name);
    let stdout = '';
    let stderr = '';
    const io = { out: (t: string) => void (stdout += `${t}\n`), err: (t: string) => void (stderr += `${t}\n`), isTTY: false, cwd: tmp };
    const code = await main(['run', path.join(dir, 'model.onnx'), '--adapter', 'ort-web:wasm', '--input', `input=${path.join(dir, 'input.npy')}`, '--out', out, '--json'], io);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { adapter: string; executionProvider: string; backend: string; outputs: { file: string }[] };
    expect(report.adapter).toBe('ort-web:wasm');
    expect(report.executionProvider).toBe('wasm');
    expect(report.backend).toMatch(/^onnxruntime-web 1\.30\.\d+ in Node, wasm/);
    expect(report.outputs).toHaveLength(1);
    expectClose(readNpyFile(report.outputs[0]!.file), readNpyFile(path.join(dir, 'output.npy')), 1e-4, 1e-3, `${name} ort-web:wasm vs PyTorch`);
  });
});
