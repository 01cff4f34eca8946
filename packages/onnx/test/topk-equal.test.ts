/**
 * ONNX Equal and TopK import as the IR's equal and topK in the form torch.onnx writes them
 * (PyTorch 2 with opset 17: (x == maxpool(x)).float() is Equal + Cast to FLOAT; torch.topk(x, k)
 * is TopK(axis -1, largest 1, sorted 1) with K an int64 constant, `.int()` a Cast to INT32);
 * expected values by hand.
 */
import { evaluateGraph, tensor } from '@skipconn/core';
import { AttrType, OnnxDataType, emptyAttribute, emptyGraph, importModel, tensorToProto, type AttributeProto, type ModelProto, type NodeProto } from '@skipconn/onnx';

const int = (name: string, i: number): AttributeProto => ({ ...emptyAttribute(), name, type: AttrType.INT, i });
const node = (opType: string, input: string[], output: string[], attribute: AttributeProto[] = []): NodeProto => ({ name: output[0]!, opType, domain: '', input, output, attribute });

/** x float32 [2, 4] in, the nodes, the outputs with their element types, K = [3] as an int64 initializer. */
function model(nodes: NodeProto[], outputs: [string, number][]): ModelProto {
  const g = emptyGraph();
  g.initializer.push(tensorToProto('K', { dtype: 'int64', shape: [1], data: BigInt64Array.from([3n]) }));
  g.node.push(...nodes);
  g.input.push({ name: 'x', type: { tensor: { elemType: OnnxDataType.FLOAT, shape: [{ value: 2 }, { value: 4 }] } } });
  for (const [name, elemType] of outputs) g.output.push({ name, type: { tensor: { elemType, shape: [] } } });
  return { irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'test', producerVersion: '', domain: '', modelVersion: 0, docString: '', graph: g, metadataProps: [], functionCount: 0 };
}

// x = [[1, 5, 5, -2], [0, -0, 7, NaN]]
const x = tensor('float32', [2, 4], [1, 5, 5, -2, 0, -0, 7, NaN]);

function run(m: ModelProto, feed = x) {
  const r = importModel(m);
  const out = evaluateGraph(r.validated, r.weights, { x: feed });
  return { ops: r.validated.nodes.map((n) => n.type), outputs: r.validated.graph.outputs.map((o) => ({ dtype: out[o]!.dtype, shape: out[o]!.shape, values: Array.from(out[o]!.data as ArrayLike<number>) })) };
}

test('Equal cast to FLOAT is equal, its 1/0 already float32', () => {
  // x == 5: [0, 1, 1, 0], [0, 0, 0, 0]; NaN == 5 is 0
  const g = model([node('Equal', ['x', 'five'], ['eq']), node('Cast', ['eq'], ['y'], [int('to', OnnxDataType.FLOAT)])], [['y', OnnxDataType.FLOAT]]);
  g.graph!.initializer.push(tensorToProto('five', tensor('float32', [], [5])));
  expect(run(g)).toEqual({ ops: ['equal'], outputs: [{ dtype: 'float32', shape: [2, 4], values: [0, 1, 1, 0, 0, 0, 0, 0] }] });
});

test('TopK on the last axis with its indices cast to INT32 is topK', () => {
  // rows without NaN: [3, 5, 5, -2] -> 5, 5, 3 at 1, 2, 0 (the lower index first); [0, -0, 7, 1] -> 7, 1, 0 at 2, 3, 0
  const feed = tensor('float32', [2, 4], [3, 5, 5, -2, 0, -0, 7, 1]);
  const m = model(
    [node('TopK', ['x', 'K'], ['values', 'wide'], [int('axis', -1), int('largest', 1), int('sorted', 1)]), node('Cast', ['wide'], ['indices'], [int('to', OnnxDataType.INT32)])],
    [
      ['values', OnnxDataType.FLOAT],
      ['indices', OnnxDataType.INT32],
    ],
  );
  expect(run(m, feed)).toEqual({
    ops: ['topK'],
    outputs: [
      { dtype: 'float32', shape: [2, 3], values: [5, 5, 3, 7, 1, 0] },
      { dtype: 'int32', shape: [2, 3], values: [1, 2, 0, 2, 3, 0] },
    ],
  });
});

test('a bool Equal read as bool, int64 TopK indices, and TopK of the smallest are refused naming what they take', () => {
  expect(() => importModel(model([node('Equal', ['x', 'x'], ['y'])], [['y', OnnxDataType.BOOL]]))).toThrow(/node 'y' \(Equal\).*bool Equal result read as bool: expected every reader a Cast to INT32, FLOAT or FLOAT16/s);
  expect(() => importModel(model([node('TopK', ['x', 'K'], ['v', 'i'])], [['i', OnnxDataType.INT64]]))).toThrow(/int64 TopK indices read as int64.*received readers none and the graph output/s);
  expect(() => importModel(model([node('TopK', ['x', 'K'], ['v', 'i'], [int('largest', 0)])], [['v', OnnxDataType.FLOAT]]))).toThrow(/largest 0 \(the smallest elements\): expected largest 1/);
});
