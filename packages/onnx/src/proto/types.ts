/**
 * The ONNX messages skipconn reads and writes, as plain objects (field numbers follow
 * onnx/onnx.proto3). Only what import and export need; unknown fields are skipped on read.
 */

/** TensorProto.DataType values. */
export const OnnxDataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;

export const DATA_TYPE_NAMES: Record<number, string> = {
  0: 'UNDEFINED',
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  14: 'COMPLEX64',
  15: 'COMPLEX128',
  16: 'BFLOAT16',
};

/** AttributeProto.AttributeType values. */
export const AttrType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

export interface StringEntry {
  readonly key: string;
  readonly value: string;
}

export interface TensorProto {
  name: string;
  dims: number[];
  dataType: number;
  rawData?: Uint8Array;
  floatData: number[];
  int32Data: number[];
  int64Data: bigint[];
  doubleData: number[];
  uint64Data: bigint[];
  /** Count of string_data entries (strings are not supported as values, only detected). */
  stringCount: number;
  externalData: StringEntry[];
  /** 1 = EXTERNAL. */
  dataLocation: number;
  /** Set when the tensor uses the deprecated segment field (refused on import). */
  segmented?: boolean;
  /** Byte offset of the message in its file, for error messages. */
  offset?: number;
}

export interface Dimension {
  value?: number;
  param?: string;
}

export interface TypeProto {
  /** Set for tensor types; undefined for sequence/map/optional types. */
  tensor?: { elemType: number; shape?: Dimension[] };
  /** The name of a non-tensor type kind (for error messages). */
  other?: string;
}

export interface ValueInfoProto {
  name: string;
  type?: TypeProto;
}

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats: number[];
  ints: number[];
  strings: Uint8Array[];
  tensors: TensorProto[];
  graphs: GraphProto[];
  /** Set when the attribute is a reference to a function's attribute (refused outside functions). */
  refAttrName?: string;
}

export interface NodeProto {
  name: string;
  opType: string;
  domain: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
  sparseInitializerCount: number;
}

export interface OperatorSetId {
  domain: string;
  version: number;
}

export interface ModelProto {
  irVersion: number;
  opsetImport: OperatorSetId[];
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  graph?: GraphProto;
  metadataProps: StringEntry[];
  /** Number of local functions (nodes calling them are reported as unsupported ops). */
  functionCount: number;
}

export function emptyTensor(): TensorProto {
  return { name: '', dims: [], dataType: 0, floatData: [], int32Data: [], int64Data: [], doubleData: [], uint64Data: [], stringCount: 0, externalData: [], dataLocation: 0 };
}

export function emptyAttribute(): AttributeProto {
  return { name: '', type: 0, floats: [], ints: [], strings: [], tensors: [], graphs: [] };
}

export function emptyGraph(): GraphProto {
  return { name: '', node: [], initializer: [], input: [], output: [], valueInfo: [], sparseInitializerCount: 0 };
}
