/**
 * ONNX ArgMax and GatherND import as the IR's argMax and gatherNd: ArgMax only where its int64
 * result is cast at once (to INT32 or FLOAT), GatherND with constant int64 indices (negative
 * ones counted from the end) or with int32 values widened by a Cast; expected values by hand.
 */
import { evaluateGraph, tensor } from '@skipconn/core';
import { AttrType, OnnxDataType, emptyAttribute, emptyGraph, importModel, tensorToProto, type AttributeProto, type ModelProto, type NodeProto } from '@skipconn/onnx';

const int = (name: string, i: number): AttributeProto => ({ ...emptyAttribute(), name, type: AttrType.INT, i });
const node = (opType: string, input: string[], output: string[], attribute: AttributeProto[] = []): NodeProto => ({ name: output[0]!, opType, domain: '', input, output, attribute });

/** x float32 [2, 3] in, the nodes, one output 'y' of `outType`. */
function model(nodes: NodeProto[], outType: number, initializers: { name: string; shape: number[]; values: number[] }[] = []): ModelProto {
  const g = emptyGraph();
  for (const k of initializers) g.initializer.push(tensorToProto(k.name, { dtype: 'int64', shape: k.shape, data: BigInt64Array.from(k.values, BigInt) }));
  g.node.push(...nodes);
  g.input.push({ name: 'x', type: { tensor: { elemType: OnnxDataType.FLOAT, shape: [{ value: 2 }, { value: 3 }] } } });
  g.output.push({ name: 'y', type: { tensor: { elemType: outType, shape: [] } } });
  return { irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'test', producerVersion: '', domain: '', modelVersion: 0, docString: '', graph: g, metadataProps: [], functionCount: 0 };
}

// x = [[0, 5, 2], [7, 7, 1]]
const x = tensor('float32', [2, 3], [0, 5, 2, 7, 7, 1]);

function run(m: ModelProto) {
  const r = importModel(m);
  const y = evaluateGraph(r.validated, r.weights, { x })[r.validated.graph.outputs[0]!]!;
  return { ops: r.validated.nodes.map((n) => n.type), dtype: y.dtype, shape: y.shape, values: Array.from(y.data as ArrayLike<number>) };
}

test('ArgMax cast to INT32 is argMax (first maximum, keepdims 0)', () => {
  // rows: [0, 5, 2] -> 1; [7, 7, 1] -> 0 (the first of the tie)
  const m = model([node('ArgMax', ['x'], ['i'], [int('axis', 1), int('keepdims', 0)]), node('Cast', ['i'], ['y'], [int('to', OnnxDataType.INT32)])], OnnxDataType.INT32);
  expect(run(m)).toEqual({ ops: ['argMax'], dtype: 'int32', shape: [2], values: [1, 0] });
});

test('ArgMax cast to FLOAT keeps its axis by default', () => {
  // columns: [0, 7] -> 1, [5, 7] -> 1, [2, 1] -> 0
  const m = model([node('ArgMax', ['x'], ['i']), node('Cast', ['i'], ['y'], [int('to', OnnxDataType.FLOAT)])], OnnxDataType.FLOAT);
  expect(run(m)).toEqual({ ops: ['argMax', 'cast'], dtype: 'float32', shape: [1, 3], values: [1, 1, 0] });
});

test('an ArgMax read as int64, or with select_last_index 1, is refused naming what it takes', () => {
  expect(() => importModel(model([node('ArgMax', ['x'], ['y'], [int('axis', 1)])], OnnxDataType.INT64))).toThrow(
    /int64 ArgMax result read as int64: expected every reader a Cast to INT32, FLOAT or FLOAT16.*received readers none and the graph output/,
  );
  const last = model([node('ArgMax', ['x'], ['i'], [int('select_last_index', 1)]), node('Cast', ['i'], ['y'], [int('to', OnnxDataType.INT32)])], OnnxDataType.INT32);
  expect(() => importModel(last)).toThrow(/select_last_index 1/);
});

test('GatherND with constant indices, a negative one counted from the end', () => {
  // [1, 2] -> 1; [0, -2] = [0, 1] -> 5; [-1, 0] = [1, 0] -> 7
  const m = model([node('GatherND', ['x', 'idx'], ['y'])], OnnxDataType.FLOAT, [{ name: 'idx', shape: [3, 2], values: [1, 2, 0, -2, -1, 0] }]);
  expect(run(m)).toEqual({ ops: ['gatherNd'], dtype: 'float32', shape: [3], values: [1, 5, 7] });
  const outside = model([node('GatherND', ['x', 'idx'], ['y'])], OnnxDataType.FLOAT, [{ name: 'idx', shape: [1, 2], values: [0, 3] }]);
  expect(() => importModel(outside)).toThrow(/index 3 outside an axis of 3: expected indices in \[-3, 2\]/);
});

test('GatherND of the rows an ArgMax picks, through Casts to INT32 and INT64', () => {
  // argMax over axis 0 of each column, keepdims 0: [1, 1, 0]; as [3, 1] row indices into x:
  // rows 1, 1, 0 -> [[7, 7, 1], [7, 7, 1], [0, 5, 2]]
  const m = model(
    [
      node('ArgMax', ['x'], ['i'], [int('axis', 0), int('keepdims', 0)]),
      node('Cast', ['i'], ['i32'], [int('to', OnnxDataType.INT32)]),
      node('Reshape', ['i32', 'shape'], ['col']),
      node('Cast', ['col'], ['i64'], [int('to', OnnxDataType.INT64)]),
      node('GatherND', ['x', 'i64'], ['y']),
    ],
    OnnxDataType.FLOAT,
    [{ name: 'shape', shape: [2], values: [3, 1] }],
  );
  expect(run(m)).toEqual({ ops: ['argMax', 'reshape', 'gatherNd'], dtype: 'float32', shape: [3, 3], values: [7, 7, 1, 7, 7, 1, 0, 5, 2] });
});

test('Gather along axis 0 by run-time int32 indices is gatherNd of one-long coordinates; int64 or another axis is refused', () => {
  // argMax over axis 0 of each column, keepdims 0: [1, 1, 0] -> rows 1, 1, 0 of x
  const picked = (gather: NodeProto) => model([node('ArgMax', ['x'], ['i'], [int('axis', 0), int('keepdims', 0)]), node('Cast', ['i'], ['i32'], [int('to', OnnxDataType.INT32)]), gather], OnnxDataType.FLOAT);
  expect(run(picked(node('Gather', ['x', 'i32'], ['y'])))).toEqual({ ops: ['argMax', 'reshape', 'gatherNd'], dtype: 'float32', shape: [3, 3], values: [7, 7, 1, 7, 7, 1, 0, 5, 2] });
  expect(() => importModel(picked(node('Gather', ['x', 'i32'], ['y'], [int('axis', 1)])))).toThrow(/Gather by run-time indices on axis 1: expected axis 0 \(or constant indices\)/);
  const wide = model([node('ArgMax', ['x'], ['i'], [int('axis', 0), int('keepdims', 0)]), node('Gather', ['x', 'i'], ['y'])], OnnxDataType.FLOAT);
  // int64 indices never reach the Gather: the IR holds no int64 value, and the ArgMax says so.
  expect(() => importModel(wide)).toThrow(/node 'i' \(ArgMax\): an int64 ArgMax result read as int64: expected every reader a Cast .* received readers Gather/);
});
