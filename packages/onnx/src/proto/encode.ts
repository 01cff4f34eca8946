/**
 * Encodes the plain ONNX objects of ./types to protobuf bytes. Fields are written in ascending
 * field-number order and defaults are omitted, so equal models give equal bytes.
 */
import { ProtoWriter } from './wire';
import type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from './types';

function writeTensor(w: ProtoWriter, t: TensorProto): void {
  w.packedInts(1, t.dims);
  if (t.dataType !== 0) w.int(2, t.dataType);
  w.packedFloats(4, t.floatData);
  w.packedInts(5, t.int32Data);
  w.packedInts(7, t.int64Data);
  if (t.name) w.string(8, t.name);
  if (t.rawData !== undefined) w.bytes(9, t.rawData);
  for (const e of t.externalData) {
    w.message(13, (ew) => {
      ew.string(1, e.key);
      ew.string(2, e.value);
    });
  }
  if (t.dataLocation !== 0) w.int(14, t.dataLocation);
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoProto): void {
  w.string(1, v.name);
  const tensor = v.type?.tensor;
  if (tensor === undefined) return;
  w.message(2, (tw) =>
    tw.message(1, (tt) => {
      tt.int(1, tensor.elemType);
      if (tensor.shape !== undefined) {
        tt.message(2, (s) => {
          for (const d of tensor.shape!) {
            s.message(1, (dw) => {
              if (d.value !== undefined) dw.int(1, d.value);
              else if (d.param !== undefined) dw.string(2, d.param);
            });
          }
        });
      }
    }),
  );
}

function writeAttribute(w: ProtoWriter, a: AttributeProto): void {
  w.string(1, a.name);
  if (a.f !== undefined) w.float(2, a.f);
  if (a.i !== undefined) w.int(3, a.i);
  if (a.s !== undefined) w.bytes(4, a.s);
  if (a.t !== undefined) w.message(5, (tw) => writeTensor(tw, a.t!));
  w.packedFloats(7, a.floats);
  w.packedInts(8, a.ints);
  for (const s of a.strings) w.bytes(9, s);
  w.int(20, a.type);
}

function writeNode(w: ProtoWriter, n: NodeProto): void {
  for (const i of n.input) w.string(1, i);
  for (const o of n.output) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attribute) w.message(5, (aw) => writeAttribute(aw, a));
  if (n.domain) w.string(7, n.domain);
}

function writeGraph(w: ProtoWriter, g: GraphProto): void {
  for (const n of g.node) w.message(1, (nw) => writeNode(nw, n));
  if (g.name) w.string(2, g.name);
  for (const t of g.initializer) w.message(5, (tw) => writeTensor(tw, t));
  for (const v of g.input) w.message(11, (vw) => writeValueInfo(vw, v));
  for (const v of g.output) w.message(12, (vw) => writeValueInfo(vw, v));
  for (const v of g.valueInfo) w.message(13, (vw) => writeValueInfo(vw, v));
}

export function encodeModel(m: ModelProto): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, m.irVersion);
  if (m.producerName) w.string(2, m.producerName);
  if (m.producerVersion) w.string(3, m.producerVersion);
  if (m.domain) w.string(4, m.domain);
  if (m.modelVersion) w.int(5, m.modelVersion);
  if (m.docString) w.string(6, m.docString);
  if (m.graph !== undefined) w.message(7, (gw) => writeGraph(gw, m.graph!));
  for (const op of m.opsetImport) {
    w.message(8, (ow) => {
      if (op.domain) ow.string(1, op.domain);
      ow.int(2, op.version);
    });
  }
  for (const e of m.metadataProps) {
    w.message(14, (ew) => {
      ew.string(1, e.key);
      ew.string(2, e.value);
    });
  }
  return w.finish();
}
