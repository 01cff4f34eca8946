/**
 * splitExternalData: what the ort adapters do with a model whose initializers would pass
 * protobuf's 2 GiB. Below the cap the model is untouched; above it every initializer of 1 KiB or
 * more points at a file of its own holding exactly its bytes (smaller ones stay inline), and the
 * model decodes to the same tensors once those files are supplied (read back with the
 * importer's external data path).
 */
import { GraphBuilder, tensor } from '@skipconn/core';
import { decodeModel, encodeModel, exportModel, importModel, splitExternalData } from '../src';

function model() {
  const b = new GraphBuilder('split');
  const x = b.input('x', [1, 256]);
  // 1 KiB: large enough to move out; c (4 bytes) stays inline like a shape or scales constant.
  const w = b.weight(
    'weights/with:odd names',
    tensor(
      'float32',
      [1, 256],
      Array.from({ length: 256 }, (_, i) => i / 4 - 8),
    ),
  );
  const c = b.weight('c', tensor('float32', [1, 1], [3]));
  b.output(b.node('add', [b.node('mul', [x, w], {}, 'm'), c], {}, 'y'));
  const { validated, weights } = b.build();
  return exportModel(validated, weights);
}

describe('splitExternalData', () => {
  it('leaves a model whose initializers fit under the cap as it is', () => {
    const m = model();
    const split = splitExternalData(m, 1028);
    expect(split.model).toBe(m);
    expect(split.externalData).toEqual([]);
  });

  it('moves each initializer of 1 KiB or more into its own file past the cap, and the model still reads back', () => {
    const m = model();
    const split = splitExternalData(m, 1027);
    const after = new Map(split.model.graph!.initializer.map((t, i) => [t.name, { t, i }]));
    const big = after.get('weights/with:odd names')!;
    expect(big.t.rawData).toBeUndefined();
    expect(big.t.dataLocation).toBe(1);
    expect(big.t.externalData).toEqual([
      { key: 'location', value: `initializer-${big.i}.bin` },
      { key: 'offset', value: '0' },
      { key: 'length', value: '1024' },
    ]);
    expect(split.externalData.map((f) => [f.path, f.data.length])).toEqual([[`initializer-${big.i}.bin`, 1024]]);
    expect(after.get('c')!.t.rawData?.length).toBe(4);
    expect(after.get('c')!.t.dataLocation).toBe(0);
    // The original is not modified.
    expect(m.graph!.initializer.every((t) => t.rawData !== undefined && t.dataLocation === 0)).toBe(true);

    const files = new Map(split.externalData.map((f) => [f.path, f.data]));
    const back = importModel(decodeModel(encodeModel(split.model), 'split.onnx'), {
      file: 'split.onnx',
      externalData: (location, offset, length) => files.get(location)!.subarray(offset, offset + (length ?? Infinity)),
    });
    expect(Array.from(back.weights.get('weights/with:odd names')!.data as Float32Array)).toEqual(Array.from({ length: 256 }, (_, i) => i / 4 - 8));
    expect(Array.from(back.weights.get('c')!.data as Float32Array)).toEqual([3]);
  });

  it('refuses a cap that is not a non-negative integer', () => {
    expect(() => splitExternalData(model(), -1)).toThrow(/maxInlineInitializerBytes: expected a non-negative integer, received -1/);
  });
});
