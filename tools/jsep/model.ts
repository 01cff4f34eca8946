/**
 * What the reproductions in this folder share: the bytes of a hand-written opset 17 ONNX model
 * with float32 inputs and outputs of fixed shapes.
 */
import { encodeModel, type NodeProto, type TensorProto, type ValueInfoProto } from '@skipconn/onnx';

const FLOAT = 1;

/** A float32 graph input or output of a fixed shape. */
export function floatValue(name: string, dims: readonly number[]): ValueInfoProto {
  return { name, type: { tensor: { elemType: FLOAT, shape: dims.map((v) => ({ value: v })) } } };
}

export function modelBytes(producerName: string, graph: { node: NodeProto[]; initializer: TensorProto[]; input: ValueInfoProto[]; output: ValueInfoProto[] }): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName,
    producerVersion: '',
    domain: '',
    modelVersion: 1,
    docString: '',
    metadataProps: [],
    functionCount: 0,
    graph: { name: 'g', ...graph, valueInfo: [], sparseInitializerCount: 0 },
  });
}
