/**
 * GraphModel import against tfjs itself: real published GraphModels (test/fixtures/graph-model,
 * from the @vladmandic/human npm package; see the README there) import into IR and, on the
 * reference evaluator and on tfjs:cpu and tfjs:wasm, give what tfjs-converter's own loadGraphModel + execute
 * gives on tfjs-backend-cpu, within atol 1e-4 + rtol 1e-3. Tiny hand-written GraphModels check
 * dequantization (uint8 affine, float16) against hand-computed values and the errors for
 * unsupported ops.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SkipconnError, UnsupportedError, evaluateGraph, findSkips, tensor, toFloat64, type HostTensor } from '@skipconn/core';
import { importGraphModel, isGraphModelJson, type GraphModelJson, type TfNodeJson } from '../src';
import { loadGraphModelFile } from '../src/node';
import { GRAPH_MODEL_FIXTURES, imageInput, runWithConverter } from './graph-model-helpers';
import { BACKENDS, initAdapter } from './helpers';
import { expectWithin } from './layers-model-helpers';

const FIXTURES = GRAPH_MODEL_FIXTURES;
const MODELS = fs
  .readdirSync(FIXTURES)
  .filter((d) => fs.existsSync(path.join(FIXTURES, d, 'model.json')))
  .sort();

describe.each(MODELS)('real GraphModel %s', (name) => {
  const modelFile = path.join(FIXTURES, name, 'model.json');
  const imported = loadGraphModelFile(modelFile);
  const input = imported.graph.inputs[0]!;
  const x = imageInput(input.shape);
  let want: HostTensor[];
  beforeAll(async () => {
    want = await runWithConverter(modelFile, { [input.name]: x }, imported.tfOutputs);
  });

  it('lists one residual skip per AddV2 of two computed values in model.json', () => {
    const json = JSON.parse(fs.readFileSync(modelFile, 'utf8')) as GraphModelJson;
    const consts = new Set(json.modelTopology.node.filter((n) => n.op === 'Const').map((n) => n.name));
    const adds = json.modelTopology.node.filter((n) => n.op === 'AddV2' && (n.input ?? []).every((i) => !consts.has(i)));
    const skips = findSkips(imported.validated);
    expect(skips.map((s) => s.kind)).toEqual(adds.map(() => 'residual'));
  });

  it('matches tfjs-converter on the reference evaluator', () => {
    const got = evaluateGraph(imported.validated, imported.weights, { [input.name]: x });
    imported.graph.outputs.forEach((o, i) => expectWithin(got[o]!, want[i]!, `${name} ${o} (reference)`));
  });

  it.each(BACKENDS.map((spec) => [spec.name, spec] as const))('matches tfjs-converter on %s', async (_label, spec) => {
    const adapter = await initAdapter(spec);
    try {
      const compiled = await adapter.compile(imported.validated, imported.weights);
      const got = await compiled.run({ [input.name]: x });
      imported.graph.outputs.forEach((o, i) => expectWithin(got[o]!, want[i]!, `${name} ${o} (${spec.name})`));
      await compiled.dispose();
    } finally {
      await adapter.dispose();
    }
  });
});

/** A GraphModel with one input x [1, 2] and the given nodes and weight bytes. */
function tiny(nodes: TfNodeJson[], weights: GraphModelJson['weightsManifest'][number]['weights'], data: number[]) {
  const placeholder: TfNodeJson = { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '1' }, { size: '2' }] } } } };
  const modelJson: GraphModelJson = { format: 'graph-model', modelTopology: { node: [placeholder, ...nodes] }, weightsManifest: [{ paths: ['w.bin'], weights }] };
  return { modelJson, weightData: Uint8Array.from(data) };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('GraphModel weights and errors', () => {
  it('dequantizes uint8 as q * scale + min and float16 halves, as tfjs does', () => {
    // w = [0, 4] * 0.5 - 1 = [-1, 1] (uint8), bias = 0x3c00 = 1.0 (float16): y = -x0 + x1 + 1.
    const model = tiny(
      [
        { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } },
        { name: 'b', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } },
        { name: 'y', op: '_FusedMatMul', input: ['x', 'w', 'b'], attr: { fused_ops: { list: { s: [b64('BiasAdd')] } }, num_args: { i: '1' } } },
      ],
      [
        { name: 'w', shape: [2, 1], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
        { name: 'b', shape: [1], dtype: 'float32', quantization: { dtype: 'float16' } },
      ],
      [0, 4, 0x00, 0x3c],
    );
    const r = importGraphModel(model);
    const y = evaluateGraph(r.validated, r.weights, { x: tensor('float32', [1, 2], [3, 5]) })[r.graph.outputs[0]!]!;
    expect(Array.from(toFloat64(y))).toEqual([3]);
  });

  it('AddN of forking values is a residual merge; Maximum / Minimum with a scalar are clip bounds', () => {
    const model = tiny(
      [
        { name: 'r', op: 'Relu', input: ['x'] },
        { name: 'sum', op: 'AddN', input: ['x', 'r'] },
        { name: 'lo', op: 'Const', attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: {}, floatVal: [-1] } } } },
        { name: 'hi', op: 'Const', attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: {}, floatVal: [4] } } } },
        { name: 'clipped/Maximum', op: 'Maximum', input: ['sum', 'lo'] },
        { name: 'clipped', op: 'Minimum', input: ['clipped/Maximum', 'hi'] },
      ],
      [],
      [],
    );
    const r = importGraphModel(model);
    expect(findSkips(r.validated).map((s) => s.kind)).toEqual(['residual']);
    // x = [3, -5]: x + relu(x) = [6, -5], clipped to [-1, 4] = [4, -1].
    const y = evaluateGraph(r.validated, r.weights, { x: tensor('float32', [1, 2], [3, -5]) })[r.graph.outputs[0]!]!;
    expect(Array.from(toFloat64(y))).toEqual([4, -1]);
  });

  it('Prelu is x where x > 0 and alpha * x elsewhere', () => {
    const model = tiny(
      [
        { name: 'alpha', op: 'Const' },
        { name: 'p', op: 'Prelu', input: ['x', 'alpha'] },
      ],
      [{ name: 'alpha', shape: [2], dtype: 'float32' }],
      [...new Uint8Array(Float32Array.from([0.25, 0.5]).buffer)],
    );
    const r = importGraphModel(model);
    const y = evaluateGraph(r.validated, r.weights, { x: tensor('float32', [1, 2], [-4, 3]) })[r.graph.outputs[0]!]!;
    expect(Array.from(toFloat64(y))).toEqual([-1, 3]);
  });

  it('recognises older files without "format" by their node list, and not LayersModels', () => {
    const { modelJson, weightData } = tiny([{ name: 'y', op: 'Relu', input: ['x'] }], [], []);
    const { format: _format, ...older } = modelJson;
    expect(isGraphModelJson(older)).toBe(true);
    expect(importGraphModel({ modelJson: older as GraphModelJson, weightData }).graph.nodes.map((n) => n.op)).toEqual(['relu']);
    expect(isGraphModelJson({ modelTopology: { class_name: 'Functional', config: { layers: [] } }, weightsManifest: [] })).toBe(false);
    expect(isGraphModelJson({ format: 'layers-model', modelTopology: { node: [] } })).toBe(false);
  });

  it('refuses an unsupported op naming the op, the node and the supported ops', () => {
    const model = tiny([{ name: 'gelu/Erf', op: 'Erf', input: ['x'] }], [], []);
    let err: unknown;
    try {
      importGraphModel(model);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedError);
    const message = (err as Error).message;
    expect(message).toContain('Erf');
    expect(message).toContain('gelu/Erf');
    expect(message).toMatch(/supported: .*_FusedConv2D/);
  });

  it('refuses weight data shorter than the manifest, naming the sizes', () => {
    const model = tiny(
      [
        { name: 'w', op: 'Const' },
        { name: 'y', op: 'MatMul', input: ['x', 'w'] },
      ],
      [{ name: 'w', shape: [2, 1], dtype: 'float32' }],
      [1, 2, 3],
    );
    expect(() => importGraphModel(model)).toThrow(/needs 8 bytes .* has 3 bytes/);
  });

  it('names the node and the missing tensor when an input is not in the graph', () => {
    const model = tiny([{ name: 'y', op: 'Relu', input: ['nowhere'] }], [], []);
    expect(() => importGraphModel(model)).toThrow(SkipconnError);
    expect(() => importGraphModel(model)).toThrow(/'y' \(Relu\) reads 'nowhere'/);
  });
});
