/**
 * ONNX Clip <-> IR clip: PyTorch's ReLU6 = Clip(0, 6) imports as clip, Clip(0) and Clip(0, inf)
 * stay relu, bounds come from constant inputs (opset >= 11) or attributes (older opsets), and
 * export always writes both bounds (ONNX reads a missing one as the dtype's largest finite value).
 */
import { GraphBuilder, SkipconnError, evaluateGraph, tensor, toFloat64 } from '@skipconn/core';
import { AttrType, OnnxDataType, emptyAttribute, emptyGraph, exportModel, importModel, tensorToProto, type AttributeProto, type ModelProto, type NodeProto } from '@skipconn/onnx';

const X = [-Infinity, -7, -0.5, 0, 3, 6.5, Infinity, NaN];

/** x [8] float32 -> Clip -> y; bounds as float32 scalar initializers (null: input left out). */
function clipModel(opset: number, bounds: { min?: number | null; max?: number | null } = {}, attrs: Record<string, number> = {}): ModelProto {
  const g = emptyGraph();
  const input = ['x'];
  for (const name of ['min', 'max'] as const) {
    const v = bounds[name];
    if (v === undefined) continue;
    if (v === null) {
      input.push('');
      continue;
    }
    g.initializer.push(tensorToProto(`${name}_value`, tensor('float32', [], [v])));
    input.push(`${name}_value`);
  }
  while (input[input.length - 1] === '') input.pop();
  const attribute: AttributeProto[] = Object.entries(attrs).map(([name, f]) => ({ ...emptyAttribute(), name, type: AttrType.FLOAT, f }));
  const node: NodeProto = { name: 'clip', opType: 'Clip', domain: '', input, output: ['y'], attribute };
  g.node.push(node);
  const type = { tensor: { elemType: OnnxDataType.FLOAT, shape: [{ value: X.length }] } };
  g.input.push({ name: 'x', type });
  g.output.push({ name: 'y', type });
  return {
    irVersion: 7,
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'test',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: '',
    graph: g,
    metadataProps: [],
    functionCount: 0,
  };
}

function imported(model: ModelProto) {
  const r = importModel(model);
  const y = evaluateGraph(r.validated, r.weights, { x: tensor('float32', [X.length], X) })[r.validated.graph.outputs[0]!]!;
  return { nodes: r.graph.nodes.map((n) => ({ op: n.op, attrs: n.attrs ?? {} })), y: Array.from(toFloat64(y)) };
}

describe('ONNX Clip import', () => {
  test('Clip(0, 6) from inputs (PyTorch ReLU6, opset 17) is clip(0, 6)', () => {
    const r = imported(clipModel(17, { min: 0, max: 6 }));
    expect(r.nodes).toEqual([{ op: 'clip', attrs: { min: 0, max: 6 } }]);
    // -Inf -> 0, -7 -> 0, -0.5 -> 0, 0, 3, 6.5 -> 6, Inf -> 6, NaN stays
    expect(r.y).toEqual([0, 0, 0, 0, 3, 6, 6, NaN]);
  });

  test('Clip(0) and Clip(0, +inf) stay relu', () => {
    expect(imported(clipModel(17, { min: 0 })).nodes).toEqual([{ op: 'relu', attrs: {} }]);
    expect(imported(clipModel(17, { min: 0, max: Infinity })).nodes).toEqual([{ op: 'relu', attrs: {} }]);
    expect(imported(clipModel(10, {}, { min: 0 })).nodes).toEqual([{ op: 'relu', attrs: {} }]);
  });

  test('one-sided bounds leave the infinite bound out', () => {
    const onlyMax = imported(clipModel(13, { min: null, max: 1.5 }));
    expect(onlyMax.nodes).toEqual([{ op: 'clip', attrs: { max: 1.5 } }]);
    expect(onlyMax.y).toEqual([-Infinity, -7, -0.5, 0, 1.5, 1.5, 1.5, NaN]);
    const onlyMin = imported(clipModel(13, { min: -1 }));
    expect(onlyMin.nodes).toEqual([{ op: 'clip', attrs: { min: -1 } }]);
    expect(onlyMin.y).toEqual([-1, -1, -0.5, 0, 3, 6.5, Infinity, NaN]);
    expect(imported(clipModel(13, { min: -Infinity, max: 2 })).nodes).toEqual([{ op: 'clip', attrs: { max: 2 } }]);
  });

  test('before opset 11 the bounds are attributes', () => {
    const r = imported(clipModel(6, {}, { min: 0, max: 6 }));
    expect(r.nodes).toEqual([{ op: 'clip', attrs: { min: 0, max: 6 } }]);
    expect(r.y).toEqual([0, 0, 0, 0, 3, 6, 6, NaN]);
  });

  test('min > max, a NaN bound and a non-scalar bound are refused with both bounds named', () => {
    const refuse = (model: ModelProto, text: string) => {
      let err: unknown;
      try {
        importModel(model);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SkipconnError);
      expect((err as Error).message).toContain(text);
    };
    refuse(clipModel(17, { min: 6, max: 0 }), 'received min 6, max 0');
    refuse(clipModel(17, { min: NaN, max: 6 }), 'received min NaN, max 6');
    const vector = clipModel(17, { min: 0, max: 6 });
    vector.graph!.initializer[1] = tensorToProto('max_value', tensor('float32', [2], [6, 7]));
    refuse(vector, 'Clip max must be a scalar');
    const runtime = clipModel(17, { min: 0 });
    runtime.graph!.node[0]!.input[1] = 'x';
    refuse(runtime, 'min (input 1) must be a constant');
  });
});

describe('clip export', () => {
  test.each([
    ['min 0, max 6', { min: 0, max: 6 }, [0, 6]],
    ['max 6', { max: 6 }, [-Infinity, 6]],
    ['min -1', { min: -1 }, [-1, Infinity]],
    ['no bounds', {}, [-Infinity, Infinity]],
  ])('clip %s writes Clip with both bounds', (_label, attrs, bounds) => {
    const b = new GraphBuilder('c');
    b.output(b.node('clip', [b.input('x', [1, 2, 2, 2], { layout: 'NHWC' })], attrs, 'y'));
    const { validated, weights } = b.build();
    const model = exportModel(validated, weights, { opset: 17 });
    const node = model.graph!.node.find((n) => n.opType === 'Clip')!;
    expect(node.input).toHaveLength(3);
    const value = (name: string) => Array.from(toFloat64({ dtype: 'float32', shape: [], data: new Float32Array(model.graph!.initializer.find((t) => t.name === name)!.rawData!.slice().buffer) }));
    expect([value(node.input[1]!)[0], value(node.input[2]!)[0]]).toEqual(bounds);
    // elementwise on NHWC data as it comes: no Transpose
    expect(model.graph!.node.map((n) => n.opType)).toEqual(['Clip']);
  });
});
