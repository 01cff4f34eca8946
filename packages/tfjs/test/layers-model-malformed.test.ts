/**
 * Malformed tfjs LayersModel structure: class names and activations that are Object.prototype
 * keys, layers with no inbound nodes, null entries, Permute without dims, kernels of the wrong
 * rank, 100,000-deep JSON. Each is a typed SkipconnError naming model.json and the layer. A long
 * residual chain imports with every skip recognised.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GraphBuilder, SkipconnError, findSkips, randomTensor } from '@skipconn/core';
import { exportLayersModel, importLayersModel, type LayersModelArtifacts } from '../src';
import { readLayersModelFiles } from '../src/node';

/**
 * Parsed JSON as the edits below see it: they write deliberately wrong values (null, strings,
 * objects) anywhere in the tree, which no static type of the format can describe.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EditableJson = any;

/** x [1,4,4,2] NHWC -> Conv2D (kernel [3,3,2,3]) -> Activation relu. */
function artifacts(): LayersModelArtifacts {
  const b = new GraphBuilder('m');
  const x = b.input('x', [1, 4, 4, 2], { layout: 'NHWC' });
  const c = b.node('conv2d', [x, b.weight('w', randomTensor([3, 2, 3, 3], 1))], { pads: [1, 1, 1, 1] }, 'conv');
  b.output(b.node('relu', [c], {}, 'r'));
  const built = b.build();
  const exported = exportLayersModel(built.validated, built.weights);
  return { modelJson: exported.modelJson, weightData: exported.weightData };
}

function refusal(edit: (json: EditableJson) => void): SkipconnError {
  const a = artifacts();
  const json = JSON.parse(JSON.stringify(a.modelJson));
  edit(json);
  try {
    importLayersModel({ modelJson: json, weightData: a.weightData }, { file: 'model.json' });
  } catch (err) {
    if (!(err instanceof SkipconnError)) throw new Error(`untyped ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, { cause: err });
    return err;
  }
  throw new Error('the model was accepted');
}

const layers = (j: EditableJson) => j.modelTopology.config.layers;
const relu = (j: EditableJson) => layers(j).find((l: EditableJson) => l.class_name === 'Activation');

it('the unedited model imports', () => {
  expect(importLayersModel(artifacts(), { file: 'model.json' }).validated.nodes.length).toBeGreaterThan(0);
});

it.each(['__proto__', 'hasOwnProperty', 'valueOf', 'constructor', 'toString'])('class_name %s is an unsupported layer', (cls) => {
  const e = refusal((j) => (relu(j).class_name = cls));
  expect(e.code).toBe('UNSUPPORTED');
  expect(e.message).toContain(`layer class ${cls} is not supported`);
});

it.each(['__proto__', 'valueOf'])('activation %s is unsupported', (act) => {
  expect(refusal((j) => (relu(j).config.activation = act)).message).toContain(`activation '${act}' is not supported`);
});

it.each([
  ['a layer with no inbound nodes', (j: EditableJson): void => void (relu(j).inbound_nodes = []), 'model.json: output r:0:0 is not produced by any layer'],
  ['a null layer', (j: EditableJson): void => void (layers(j)[1] = null), 'layer 1 has no name or class_name'],
  ['a null inbound reference', (j: EditableJson): void => void (relu(j).inbound_nodes = [[null]]), 'expected a tensor reference [layer, node, tensor], received null'],
  ['Permute without dims', (j: EditableJson): void => void Object.assign(relu(j), { class_name: 'Permute', config: { name: 'r' } }), "layer 'r' (Permute): config.dims must be a list of axis numbers, received undefined"],
  [
    'Permute with dims that are not numbers',
    (j: EditableJson): void => void Object.assign(relu(j), { class_name: 'Permute', config: { name: 'r', dims: 'ab' } }),
    'config.dims must be a list of axis numbers, received "ab"',
  ],
  ['a conv kernel of rank 2', (j: EditableJson): void => void (j.weightsManifest[0].weights[0].shape = [18, 3]), "layer 'conv' (Conv2D): weight 'kernel' has shape [18,3]; expected rank 4"],
  ['a conv kernel of rank 1', (j: EditableJson): void => void (j.weightsManifest[0].weights[0].shape = [54]), 'expected rank 4'],
  ['an input dimension of 1e300', (j: EditableJson): void => void (layers(j)[0].config.batch_input_shape = [1, 1e300, 4, 2]), "input 'x' has dimensions [1,1e+300,4,2] that are unknown or not non-negative safe integers"],
  ['a null weights manifest entry', (j: EditableJson): void => void (j.weightsManifest[0].weights = [null]), 'weights manifest entry null needs a name and a shape'],
] as const)('%s', (_what, edit, message) => {
  expect(refusal(edit).message).toContain(message);
});

it('model.json nested 100,000 deep is a typed error', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-tfjs-deep-'));
  try {
    const file = path.join(dir, 'model.json');
    fs.writeFileSync(file, `{"modelTopology": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(() => readLayersModelFiles(file)).toThrow(SkipconnError);
    expect(() => readLayersModelFiles(file)).toThrow('JSON is nested more than 256 levels deep');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

it('a 10k-layer residual chain imports with every Add recognised as a residual', () => {
  const b = new GraphBuilder('chain');
  let v = b.input('x', [1, 4], { layout: 'NC' });
  for (let i = 0; i < 5000; i++) v = b.node('residual', [v, b.node('relu', [v], {}, `f${i}`)], {}, `m${i}`);
  b.output(v);
  const built = b.build();
  const exported = exportLayersModel(built.validated, built.weights);
  const imported = importLayersModel({ modelJson: exported.modelJson, weightData: exported.weightData }, { file: 'model.json' });
  expect(findSkips(imported.validated).filter((s) => s.kind === 'residual')).toHaveLength(5000);
});
