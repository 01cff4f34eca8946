/** The protobuf wire layer: varints, lengths and nesting are bounds-checked with byte offsets. */
import { FileFormatError } from '@skipconn/core';
import { ProtoReader, ProtoWriter, decodeModel, encodeModel, type ModelProto } from '@skipconn/onnx';

const reader = (bytes: number[]) => new ProtoReader(Uint8Array.from(bytes), 'test.onnx');

describe('ProtoReader', () => {
  it("reads varints of every length, and int64 two's complement", () => {
    const w = new ProtoWriter();
    const values = [0, 1, 127, 128, 300, 2 ** 31, 2 ** 53 - 1];
    values.forEach((v) => w.varint(v));
    w.varint(-1n);
    w.varint(9223372036854775807n);
    const r = new ProtoReader(w.finish(), 'x');
    values.forEach((v) => expect(r.uint()).toBe(v));
    expect(r.int64Big()).toBe(-1n);
    expect(r.int64Big()).toBe(9223372036854775807n);
    expect(r.done()).toBe(true);
  });

  it('refuses a varint that runs past the end, or is longer than 10 bytes', () => {
    expect(() => reader([0x80, 0x80]).uint()).toThrow(/at byte 0: .*varint runs past the end/);
    expect(() => reader(Array(11).fill(0xff)).varint64()).toThrow(/varint longer than 10 bytes/);
  });

  it('checks a length against the bytes left before taking it', () => {
    const r = reader([0x0a, 0xff, 0xff, 0xff, 0xff, 0x07, 1, 2]);
    r.tag();
    expect(() => r.bytesField()).toThrow(FileFormatError);
    expect(() => reader([0x0a, 0x05, 1, 2]).message()).toThrow(/length 10 exceeds the 3 bytes left|exceeds/);
  });

  it('refuses group wire types and field 0', () => {
    expect(() => reader([0x0b]).tag()).toThrow(/unsupported wire type 3/);
    expect(() => reader([0x02]).tag()).toThrow(/field number 0/);
  });

  it('limits nesting depth', () => {
    let r = reader(
      Array(80)
        .fill(0)
        .flatMap(() => [0x3a, 0x00]),
    );
    expect(() => {
      for (let i = 0; i < 40; i++) r = new ProtoReader(r.bytes, 'x', 0, r.end, r.depth + 1);
    }).toThrow(/nested deeper than 32/);
  });
});

describe('ModelProto encode/decode', () => {
  it('round-trips the fields skipconn writes', () => {
    const m: ModelProto = {
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      producerName: 'p',
      producerVersion: '1',
      domain: '',
      modelVersion: 0,
      docString: '',
      metadataProps: [{ key: 'k', value: 'v' }],
      functionCount: 0,
      graph: {
        name: 'g',
        initializer: [],
        valueInfo: [],
        sparseInitializerCount: 0,
        input: [{ name: 'x', type: { tensor: { elemType: 1, shape: [{ value: 1 }, { param: 'N' }] } } }],
        output: [{ name: 'y', type: { tensor: { elemType: 1, shape: [{ value: 1 }] } } }],
        node: [{ name: 'n', opType: 'Relu', domain: '', input: ['x'], output: ['y'], attribute: [] }],
      },
    };
    const back = decodeModel(encodeModel(m));
    expect(back.graph!.input).toEqual(m.graph!.input);
    expect(back.graph!.node).toEqual(m.graph!.node);
    expect(back.metadataProps).toEqual(m.metadataProps);
    expect(back.opsetImport).toEqual(m.opsetImport);
  });

  it('names the file and offset of a truncated model', () => {
    const bytes = encodeModel({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'skipconn', producerVersion: '', domain: '', modelVersion: 0, docString: '', metadataProps: [], functionCount: 0 });
    expect(() => decodeModel(bytes.slice(0, bytes.length - 3), 'm.onnx')).toThrow(/^m\.onnx at byte \d+: invalid ONNX protobuf/);
  });
});
