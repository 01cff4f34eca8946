/**
 * ONNX Slice, Split and Gather (constant indices) on run-time values import as the IR's slice:
 * bounds resolved by ONNX's rules (INT64_MAX ends, negative steps), Split sizes from the input
 * (opset 13+), the attribute (before 13) or num_outputs (opset 18, last piece smaller), and
 * evenly spaced Gather indices; expected values worked out by hand next to each case.
 */
import { evaluateGraph, tensor, toFloat64 } from '@skipconn/core';
import { AttrType, OnnxDataType, emptyAttribute, emptyGraph, importModel, tensorToProto, type AttributeProto, type ModelProto } from '@skipconn/onnx';

const INT64_MAX = 9223372036854775807n;

interface NodeDef {
  readonly opType: string;
  readonly inputs: readonly (readonly (number | bigint)[] | null)[];
  readonly outputs: readonly string[];
  readonly attrs?: Record<string, number | readonly number[]>;
  /** Shape of the indices initializer (Gather); default 1-D. */
  readonly constShape?: readonly number[];
}

/** x (float32, `shape`) -> one node whose further inputs are int64 initializers (null: left out). */
function model(opset: number, shape: readonly number[], def: NodeDef): ModelProto {
  const g = emptyGraph();
  const input = ['x'];
  def.inputs.forEach((values, i) => {
    if (values === null) return input.push('');
    const name = `c${i}`;
    const data = BigInt64Array.from(values, (v) => (typeof v === 'bigint' ? v : BigInt(v)));
    g.initializer.push(tensorToProto(name, { dtype: 'int64', shape: [...(def.constShape ?? [values.length])], data }));
    return input.push(name);
  });
  const attribute: AttributeProto[] = Object.entries(def.attrs ?? {}).map(([name, v]) =>
    typeof v === 'number' ? { ...emptyAttribute(), name, type: AttrType.INT, i: v } : { ...emptyAttribute(), name, type: AttrType.INTS, ints: [...v] },
  );
  g.node.push({ name: 'n', opType: def.opType, domain: '', input, output: [...def.outputs], attribute });
  g.input.push({ name: 'x', type: { tensor: { elemType: OnnxDataType.FLOAT, shape: shape.map((value) => ({ value })) } } });
  for (const o of def.outputs) g.output.push({ name: o, type: { tensor: { elemType: OnnxDataType.FLOAT, shape: [] } } });
  return { irVersion: 8, opsetImport: [{ domain: '', version: opset }], producerName: 'test', producerVersion: '', domain: '', modelVersion: 0, docString: '', graph: g, metadataProps: [], functionCount: 0 };
}

/** Imports, runs on x = 0, 1, 2, ... and returns the IR ops and each output's shape and values. */
function run(m: ModelProto, shape: readonly number[]) {
  const r = importModel(m);
  const size = shape.reduce((a, b) => a * b, 1);
  const got = evaluateGraph(r.validated, r.weights, {
    x: tensor(
      'float32',
      [...shape],
      Array.from({ length: size }, (_, i) => i),
    ),
  });
  return {
    ops: r.graph.nodes.map((n) => n.op),
    attrs: r.graph.nodes.map((n) => n.attrs ?? {}),
    outputs: r.validated.graph.outputs.map((o) => ({ shape: got[o]!.shape, data: Array.from(toFloat64(got[o]!)) })),
  };
}

describe('ONNX Slice import', () => {
  test("PyTorch's x[:, 2:] (end INT64_MAX) is one slice with the end clamped to the axis", () => {
    const r = run(model(17, [1, 4, 1, 1], { opType: 'Slice', inputs: [[2], [INT64_MAX], [1]], outputs: ['y'] }), [1, 4, 1, 1]);
    expect(r.ops).toEqual(['slice']);
    expect(r.attrs[0]).toEqual({ starts: [2], ends: [4], axes: [1], steps: [1] });
    expect(r.outputs[0]!.data).toEqual([2, 3]);
  });

  test('x[::-2] on a value: negative step, end INT64_MIN', () => {
    // d = 5: start -1 -> 4; indices 4, 2, 0
    const r = run(model(13, [5], { opType: 'Slice', inputs: [[-1], [-INT64_MAX - 1n], [0], [-2]], outputs: ['y'] }), [5]);
    expect(r.ops).toEqual(['slice']);
    expect(r.outputs[0]!.data).toEqual([4, 2, 0]);
  });

  test('a Slice that takes everything is its input', () => {
    const whole = importModel(model(17, [2, 3], { opType: 'Slice', inputs: [[0], [INT64_MAX], [1]], outputs: ['y'] }));
    expect(whole.graph.nodes.filter((n) => n.op === 'slice')).toEqual([]);
  });
});

describe('ONNX Split import', () => {
  test('opset 13 sizes from the input: one slice per output', () => {
    // x [2, 5] rows 0..4 and 5..9; split axis 1 into 2 and 3
    const r = run(model(13, [2, 5], { opType: 'Split', inputs: [[2, 3]], outputs: ['a', 'b'], attrs: { axis: 1 } }), [2, 5]);
    expect(r.ops).toEqual(['slice', 'slice']);
    expect(r.outputs.map((o) => o.data)).toEqual([
      [0, 1, 5, 6],
      [2, 3, 4, 7, 8, 9],
    ]);
  });

  test('opset 11 sizes from the attribute; no sizes means equal pieces', () => {
    expect(run(model(11, [6], { opType: 'Split', inputs: [], outputs: ['a', 'b'], attrs: { split: [1, 5] } }), [6]).outputs.map((o) => o.data)).toEqual([[0], [1, 2, 3, 4, 5]]);
    // ShuffleNetV2's chunk(2, dim=1) on [1, 4, 1, 1]: channels 0, 1 and 2, 3
    expect(run(model(13, [1, 4, 1, 1], { opType: 'Split', inputs: [], outputs: ['a', 'b'], attrs: { axis: 1 } }), [1, 4, 1, 1]).outputs.map((o) => o.data)).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  test('opset 18 num_outputs: pieces of ceil(d / n), the last one smaller', () => {
    // d = 7, 3 pieces: ceil(7 / 3) = 3 -> 3, 3, 1
    const r = run(model(18, [7], { opType: 'Split', inputs: [], outputs: ['a', 'b', 'c'], attrs: { num_outputs: 3 } }), [7]);
    expect(r.outputs.map((o) => o.data)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  test('sizes that do not add up to the axis, or an axis that does not divide, are refused with both numbers', () => {
    expect(() => importModel(model(13, [2, 5], { opType: 'Split', inputs: [[2, 2]], outputs: ['a', 'b'], attrs: { axis: 1 } }))).toThrow(/adding up to 5.*\[2,2\]/s);
    expect(() => importModel(model(13, [5], { opType: 'Split', inputs: [], outputs: ['a', 'b'] }))).toThrow(/divisible by 2.*5 \/ 2/s);
  });
});

describe('ONNX Gather import (constant indices)', () => {
  test("a scalar index is a slice and a reshape dropping the axis (a ViT's x[:, 0])", () => {
    // x [2, 3, 2]: x[:, 0] -> rows 0, 1 and 6, 7
    const r = run(model(13, [2, 3, 2], { opType: 'Gather', inputs: [[0]], constShape: [], outputs: ['y'], attrs: { axis: 1 } }), [2, 3, 2]);
    expect(r.ops).toEqual(['slice', 'reshape']);
    expect(r.outputs[0]).toEqual({ shape: [2, 2], data: [0, 1, 6, 7] });
  });

  test('evenly spaced indices are a strided slice; any other list stays a selection matmul', () => {
    // indices 3, 1 (step -2) on [4]: 3, 1
    const strided = run(model(13, [4], { opType: 'Gather', inputs: [[3, 1]], outputs: ['y'] }), [4]);
    expect(strided.ops).toEqual(['slice']);
    expect(strided.outputs[0]!.data).toEqual([3, 1]);
    const listed = run(model(13, [4], { opType: 'Gather', inputs: [[0, 3, 1]], outputs: ['y'] }), [4]);
    expect(listed.ops).toContain('matmul');
    expect(listed.outputs[0]!.data).toEqual([0, 3, 1]);
  });
});

describe('layouts through slices', () => {
  test("slices of a reshape without a layout label the reshape (ShuffleNetV2's shuffle, then chunk): no relabelling reshapes", () => {
    // x [1, 4, 2, 2] -> Reshape [1, 2, 2, 2, 2] -> Transpose (swap the groups) -> Reshape back -> two channel Slices -> MaxPool 1x1 each
    const g = emptyGraph();
    const int64s = (name: string, values: number[]) => g.initializer.push(tensorToProto(name, { dtype: 'int64', shape: [values.length], data: BigInt64Array.from(values, BigInt) }));
    int64s('groups', [1, 2, 2, 2, 2]);
    int64s('flat', [1, 4, 2, 2]);
    int64s('s0', [0]);
    int64s('s2', [2]);
    int64s('s4', [4]);
    int64s('ax', [1]);
    const ints = (name: string, v: number[]): AttributeProto => ({ ...emptyAttribute(), name, type: AttrType.INTS, ints: v });
    g.node.push(
      { name: 'r1', opType: 'Reshape', domain: '', input: ['x', 'groups'], output: ['r1'], attribute: [] },
      { name: 't', opType: 'Transpose', domain: '', input: ['r1'], output: ['t'], attribute: [ints('perm', [0, 2, 1, 3, 4])] },
      { name: 'r2', opType: 'Reshape', domain: '', input: ['t', 'flat'], output: ['r2'], attribute: [] },
      { name: 'a', opType: 'Slice', domain: '', input: ['r2', 's0', 's2', 'ax'], output: ['a'], attribute: [] },
      { name: 'b', opType: 'Slice', domain: '', input: ['r2', 's2', 's4', 'ax'], output: ['b'], attribute: [] },
      { name: 'pa', opType: 'MaxPool', domain: '', input: ['a'], output: ['pa'], attribute: [ints('kernel_shape', [1, 1])] },
      { name: 'pb', opType: 'MaxPool', domain: '', input: ['b'], output: ['pb'], attribute: [ints('kernel_shape', [1, 1])] },
    );
    g.input.push({ name: 'x', type: { tensor: { elemType: OnnxDataType.FLOAT, shape: [1, 4, 2, 2].map((value) => ({ value })) } } });
    for (const o of ['pa', 'pb']) g.output.push({ name: o, type: { tensor: { elemType: OnnxDataType.FLOAT, shape: [] } } });
    const m: ModelProto = {
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      producerName: 'test',
      producerVersion: '',
      domain: '',
      modelVersion: 0,
      docString: '',
      graph: g,
      metadataProps: [],
      functionCount: 0,
    };
    const r = run(m, [1, 4, 2, 2]);
    expect(r.ops.filter((op) => op === 'reshape')).toHaveLength(2);
    // channels 0..3 hold 0-3, 4-7, 8-11, 12-15; the shuffle orders them 0, 2, 1, 3
    expect(r.outputs.map((o) => o.data)).toEqual([
      [0, 1, 2, 3, 8, 9, 10, 11],
      [4, 5, 6, 7, 12, 13, 14, 15],
    ]);
  });
});
