/**
 * External data: tensors stored next to the model load; locations that are absolute, contain
 * '..', or resolve through a symlink outside the model's folder are refused, as are ranges past
 * the end of the data file and sizes that disagree with the tensor's shape.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileFormatError, GraphBuilder, SkipconnError, evaluateGraph, randomTensor } from '@skipconn/core';
import { encodeModel, exportModel, importOnnx, rawBytes, type ModelProto } from '@skipconn/onnx';
import { loadOnnxFile } from '@skipconn/onnx/node';

function model(): { proto: ModelProto; raw: Uint8Array; x: ReturnType<typeof randomTensor> } {
  const b = new GraphBuilder('ext');
  const x = b.input('x', [2, 3], { layout: 'NC' });
  const w = randomTensor([4, 3], 11);
  b.output(b.node('dense', [x, b.weight('w', w)], {}, 'fc'));
  const built = b.build();
  return { proto: exportModel(built.validated, built.weights), raw: rawBytes(w), x: randomTensor([2, 3], 12) };
}

/** Writes model.onnx whose weight 'w' lives at `location` (offset/length as given). */
function writeModel(dir: string, location: string, extra: Record<string, string> = {}): string {
  const { proto } = model();
  const init = proto.graph!.initializer.find((t) => t.name === 'w')!;
  init.rawData = undefined;
  init.dataLocation = 1;
  init.externalData = [{ key: 'location', value: location }, ...Object.entries(extra).map(([key, value]) => ({ key, value }))];
  const file = path.join(dir, 'model.onnx');
  fs.writeFileSync(file, encodeModel(proto));
  return file;
}

describe('external data', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-ext-'));
    dir = path.join(root, 'model');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(root, 'outside.bin'), model().raw);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const refused = (file: string, pattern: RegExp) => {
    let err: unknown;
    try {
      loadOnnxFile(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FileFormatError);
    expect((err as Error).message).toMatch(pattern);
  };

  it('loads a tensor from a file in the model folder (with offset and length)', () => {
    const { raw, x } = model();
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', 'w.bin'), Buffer.concat([Buffer.alloc(16), Buffer.from(raw)]));
    const loaded = loadOnnxFile(writeModel(dir, 'data/w.bin', { offset: '16', length: String(raw.length) }));
    expect(Array.from(loaded.weights.get('w')!.data as Float32Array)).toEqual(Array.from(new Float32Array(raw.buffer)));
    expect(evaluateGraph(loaded.validated, loaded.weights, { x })['fc']!.shape).toEqual([2, 4]);
  });

  it('refuses absolute paths', () => {
    refused(writeModel(dir, path.join(root, 'outside.bin')), /absolute paths are not allowed/);
    refused(writeModel(dir, 'C:\\weights.bin'), /absolute paths are not allowed/);
  });

  it("refuses '..' segments", () => {
    refused(writeModel(dir, '../outside.bin'), /'\.\.' segments are not allowed/);
    refused(writeModel(dir, 'data/../../outside.bin'), /'\.\.' segments are not allowed/);
    refused(writeModel(dir, 'data\\..\\..\\outside.bin'), /'\.\.' segments are not allowed/);
  });

  it('refuses symlinks that resolve outside the folder, accepts those inside', () => {
    fs.symlinkSync(path.join(root, 'outside.bin'), path.join(dir, 'link.bin'));
    refused(writeModel(dir, 'link.bin'), /resolves outside the model's folder/);
    fs.symlinkSync(root, path.join(dir, 'up'));
    refused(writeModel(dir, 'up/outside.bin'), /resolves outside the model's folder/);
    fs.writeFileSync(path.join(dir, 'real.bin'), model().raw);
    fs.symlinkSync(path.join(dir, 'real.bin'), path.join(dir, 'inside.bin'));
    expect(loadOnnxFile(writeModel(dir, 'inside.bin')).weights.get('w')!.shape).toEqual([4, 3]);
  });

  it('checks ranges and sizes before reading', () => {
    fs.writeFileSync(path.join(dir, 'w.bin'), model().raw);
    refused(writeModel(dir, 'w.bin', { offset: '40' }), /lies outside 'w\.bin'/);
    refused(writeModel(dir, 'w.bin', { length: '8' }), /does not match 48 bytes/);
    refused(writeModel(dir, 'w.bin', { offset: '-1' }), /not a non-negative integer/);
    refused(writeModel(dir, 'missing.bin'), /does not exist/);
  });

  it('refuses external data when the model comes as bytes without a folder', () => {
    const file = writeModel(dir, 'w.bin');
    expect(() => importOnnx(new Uint8Array(fs.readFileSync(file)))).toThrow(SkipconnError);
  });
});
