/**
 * Decodes ONNX protobuf bytes into the plain objects of ./types. Every read is bounds-checked
 * by ProtoReader; errors are FileFormatError with the byte offset.
 */
import { ProtoReader, WIRE_I32, WIRE_LEN, WIRE_VARINT } from './wire';
import {
  emptyAttribute,
  emptyGraph,
  emptyTensor,
  type AttributeProto,
  type Dimension,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type StringEntry,
  type TensorProto,
  type TypeProto,
  type ValueInfoProto,
} from './types';

function stringEntry(r: ProtoReader): StringEntry {
  let key = '';
  let value = '';
  while (!r.done()) {
    const [f, w] = r.tag();
    if (f === 1 && w === WIRE_LEN) key = r.string();
    else if (f === 2 && w === WIRE_LEN) value = r.string();
    else r.skip(w);
  }
  return { key, value };
}

/** A dimension or count read as int64 must be a safe non-negative... checked by callers. */
export function decodeTensor(r: ProtoReader): TensorProto {
  const t = emptyTensor();
  t.offset = r.pos;
  while (!r.done()) {
    const [f, w] = r.tag();
    switch (f) {
      case 1:
        r.repeatedVarint(w, t.dims, (s) => s.int64());
        break;
      case 2:
        r.expect(f, w, WIRE_VARINT, 'data_type');
        t.dataType = r.int32();
        break;
      case 3:
        r.expect(f, w, WIRE_LEN, 'segment');
        r.skip(w);
        t.segmented = true;
        break;
      case 4:
        r.repeatedFixed(w, 4, t.floatData);
        break;
      case 5:
        r.repeatedVarint(w, t.int32Data, (s) => s.int32());
        break;
      case 6:
        r.expect(f, w, WIRE_LEN, 'string_data');
        r.skip(w);
        t.stringCount++;
        break;
      case 7:
        r.repeatedVarint(w, t.int64Data, (s) => s.int64Big());
        break;
      case 8:
        r.expect(f, w, WIRE_LEN, 'name');
        t.name = r.string();
        break;
      case 9:
        r.expect(f, w, WIRE_LEN, 'raw_data');
        t.rawData = r.bytesField();
        break;
      case 10:
        r.repeatedFixed(w, 8, t.doubleData);
        break;
      case 11:
        r.repeatedVarint(w, t.uint64Data, (s) => s.varint64());
        break;
      case 13:
        r.expect(f, w, WIRE_LEN, 'external_data');
        t.externalData.push(stringEntry(r.message()));
        break;
      case 14:
        r.expect(f, w, WIRE_VARINT, 'data_location');
        t.dataLocation = r.int32();
        break;
      default:
        r.skip(w);
    }
  }
  return t;
}

function decodeDimension(r: ProtoReader): Dimension {
  const d: Dimension = {};
  while (!r.done()) {
    const [f, w] = r.tag();
    if (f === 1 && w === WIRE_VARINT) d.value = r.int64();
    else if (f === 2 && w === WIRE_LEN) d.param = r.string();
    else r.skip(w);
  }
  return d;
}

function decodeTensorType(r: ProtoReader): { elemType: number; shape?: Dimension[] } {
  const out: { elemType: number; shape?: Dimension[] } = { elemType: 0 };
  while (!r.done()) {
    const [f, w] = r.tag();
    if (f === 1 && w === WIRE_VARINT) out.elemType = r.int32();
    else if (f === 2 && w === WIRE_LEN) {
      const s = r.message();
      const dims: Dimension[] = [];
      while (!s.done()) {
        const [sf, sw] = s.tag();
        if (sf === 1 && sw === WIRE_LEN) dims.push(decodeDimension(s.message()));
        else s.skip(sw);
      }
      out.shape = dims;
    } else r.skip(w);
  }
  return out;
}

const OTHER_TYPES: Record<number, string> = { 4: 'sequence', 5: 'map', 8: 'sparse tensor', 9: 'optional' };

function decodeType(r: ProtoReader): TypeProto {
  const t: TypeProto = {};
  while (!r.done()) {
    const [f, w] = r.tag();
    if (f === 1 && w === WIRE_LEN) t.tensor = decodeTensorType(r.message());
    else if (OTHER_TYPES[f] !== undefined && w === WIRE_LEN) {
      t.other = OTHER_TYPES[f];
      r.skip(w);
    } else r.skip(w);
  }
  return t;
}

function decodeValueInfo(r: ProtoReader): ValueInfoProto {
  const v: ValueInfoProto = { name: '' };
  while (!r.done()) {
    const [f, w] = r.tag();
    if (f === 1 && w === WIRE_LEN) v.name = r.string();
    else if (f === 2 && w === WIRE_LEN) v.type = decodeType(r.message());
    else r.skip(w);
  }
  return v;
}

function decodeAttribute(r: ProtoReader): AttributeProto {
  const a = emptyAttribute();
  while (!r.done()) {
    const [f, w] = r.tag();
    switch (f) {
      case 1:
        r.expect(f, w, WIRE_LEN, 'name');
        a.name = r.string();
        break;
      case 20:
        r.expect(f, w, WIRE_VARINT, 'type');
        a.type = r.int32();
        break;
      case 2:
        r.expect(f, w, WIRE_I32, 'f');
        a.f = r.float();
        break;
      case 3:
        r.expect(f, w, WIRE_VARINT, 'i');
        a.i = r.int64();
        break;
      case 4:
        r.expect(f, w, WIRE_LEN, 's');
        a.s = r.bytesField();
        break;
      case 5:
        r.expect(f, w, WIRE_LEN, 't');
        a.t = decodeTensor(r.message());
        break;
      case 6:
        r.expect(f, w, WIRE_LEN, 'g');
        a.g = decodeGraph(r.message());
        break;
      case 7:
        r.repeatedFixed(w, 4, a.floats);
        break;
      case 8:
        r.repeatedVarint(w, a.ints, (s) => s.int64());
        break;
      case 9:
        r.expect(f, w, WIRE_LEN, 'strings');
        a.strings.push(r.bytesField());
        break;
      case 10:
        r.expect(f, w, WIRE_LEN, 'tensors');
        a.tensors.push(decodeTensor(r.message()));
        break;
      case 11:
        r.expect(f, w, WIRE_LEN, 'graphs');
        a.graphs.push(decodeGraph(r.message()));
        break;
      case 21:
        r.expect(f, w, WIRE_LEN, 'ref_attr_name');
        a.refAttrName = r.string();
        break;
      default:
        r.skip(w);
    }
  }
  return a;
}

function decodeNode(r: ProtoReader): NodeProto {
  const n: NodeProto = { name: '', opType: '', domain: '', input: [], output: [], attribute: [] };
  while (!r.done()) {
    const [f, w] = r.tag();
    switch (f) {
      case 1:
        r.expect(f, w, WIRE_LEN, 'input');
        n.input.push(r.string());
        break;
      case 2:
        r.expect(f, w, WIRE_LEN, 'output');
        n.output.push(r.string());
        break;
      case 3:
        r.expect(f, w, WIRE_LEN, 'name');
        n.name = r.string();
        break;
      case 4:
        r.expect(f, w, WIRE_LEN, 'op_type');
        n.opType = r.string();
        break;
      case 5:
        r.expect(f, w, WIRE_LEN, 'attribute');
        n.attribute.push(decodeAttribute(r.message()));
        break;
      case 7:
        r.expect(f, w, WIRE_LEN, 'domain');
        n.domain = r.string();
        break;
      default:
        r.skip(w);
    }
  }
  return n;
}

export function decodeGraph(r: ProtoReader): GraphProto {
  const g = emptyGraph();
  while (!r.done()) {
    const [f, w] = r.tag();
    switch (f) {
      case 1:
        r.expect(f, w, WIRE_LEN, 'node');
        g.node.push(decodeNode(r.message()));
        break;
      case 2:
        r.expect(f, w, WIRE_LEN, 'name');
        g.name = r.string();
        break;
      case 5:
        r.expect(f, w, WIRE_LEN, 'initializer');
        g.initializer.push(decodeTensor(r.message()));
        break;
      case 11:
        r.expect(f, w, WIRE_LEN, 'input');
        g.input.push(decodeValueInfo(r.message()));
        break;
      case 12:
        r.expect(f, w, WIRE_LEN, 'output');
        g.output.push(decodeValueInfo(r.message()));
        break;
      case 13:
        r.expect(f, w, WIRE_LEN, 'value_info');
        g.valueInfo.push(decodeValueInfo(r.message()));
        break;
      case 15:
        r.skip(w);
        g.sparseInitializerCount++;
        break;
      default:
        r.skip(w);
    }
  }
  return g;
}

/** Decodes a ModelProto. Throws FileFormatError (with byte offset) on malformed bytes. */
export function decodeModel(bytes: Uint8Array, file = '<onnx>'): ModelProto {
  const r = new ProtoReader(bytes, file);
  const m: ModelProto = {
    irVersion: 0,
    opsetImport: [],
    producerName: '',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: '',
    metadataProps: [],
    functionCount: 0,
  };
  while (!r.done()) {
    const [f, w] = r.tag();
    switch (f) {
      case 1:
        r.expect(f, w, WIRE_VARINT, 'ir_version');
        m.irVersion = r.int64();
        break;
      case 2:
        r.expect(f, w, WIRE_LEN, 'producer_name');
        m.producerName = r.string();
        break;
      case 3:
        r.expect(f, w, WIRE_LEN, 'producer_version');
        m.producerVersion = r.string();
        break;
      case 4:
        r.expect(f, w, WIRE_LEN, 'domain');
        m.domain = r.string();
        break;
      case 5:
        r.expect(f, w, WIRE_VARINT, 'model_version');
        m.modelVersion = r.int64();
        break;
      case 6:
        r.expect(f, w, WIRE_LEN, 'doc_string');
        m.docString = r.string();
        break;
      case 7:
        r.expect(f, w, WIRE_LEN, 'graph');
        m.graph = decodeGraph(r.message());
        break;
      case 8: {
        r.expect(f, w, WIRE_LEN, 'opset_import');
        const s = r.message();
        const op = { domain: '', version: 0 };
        while (!s.done()) {
          const [sf, sw] = s.tag();
          if (sf === 1 && sw === WIRE_LEN) op.domain = s.string();
          else if (sf === 2 && sw === WIRE_VARINT) op.version = s.int64();
          else s.skip(sw);
        }
        m.opsetImport.push(op);
        break;
      }
      case 14:
        r.expect(f, w, WIRE_LEN, 'metadata_props');
        m.metadataProps.push(stringEntry(r.message()));
        break;
      case 25:
        r.skip(w);
        m.functionCount++;
        break;
      default:
        r.skip(w);
    }
  }
  return m;
}

/** Decodes a standalone TensorProto (the .pb files of the ONNX backend tests). */
export function decodeTensorProto(bytes: Uint8Array, file = '<tensor>'): TensorProto {
  return decodeTensor(new ProtoReader(bytes, file));
}
