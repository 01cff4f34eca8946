/**
 * Real PyTorch models (tools/fixtures/make_fixtures.py: torch.onnx.export, opset 17, seeded
 * random weights) import, run on the reference evaluator and match PyTorch's own output within
 * atol 1e-4 + rtol 1e-3; findSkips lists the skips each model has. (onnxruntime runs the same
 * fixtures in packages/onnxruntime-node/test.)
 */
import * as fs from 'fs';
import * as path from 'path';
import { evaluateGraph, findSkips } from '@skipconn/core';
import { readNpyFile } from '@skipconn/core/node';
import { loadOnnxFile } from '@skipconn/onnx/node';
import { expectClose } from './compare';
import { FIXTURES, fixtureNames } from './fixture-files';

describe.each(fixtureNames())('PyTorch fixture %s', (name) => {
  const dir = path.join(FIXTURES, name);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as { skips: Record<string, number> };

  it('imports and matches PyTorch on the reference evaluator', () => {
    const model = loadOnnxFile(path.join(dir, 'model.onnx'));
    const input = readNpyFile(path.join(dir, 'input.npy'));
    const want = readNpyFile(path.join(dir, 'output.npy'));
    const inputName = model.validated.graph.inputs[0]!.name;
    const got = evaluateGraph(model.validated, model.weights, { [inputName]: input });
    expectClose(got[model.validated.graph.outputs[0]!], want, 1e-4, 1e-3, `${name} reference vs PyTorch`);
  });

  it('finds every skip connection', () => {
    const model = loadOnnxFile(path.join(dir, 'model.onnx'));
    const counts: Record<string, number> = {};
    for (const s of findSkips(model.validated)) counts[s.kind] = (counts[s.kind] ?? 0) + 1;
    expect(counts).toEqual(meta.skips);
  });
});

describe('ResNet fixture skips', () => {
  it('lists each residual with its shortcut: identity or projection (1x1 conv)', () => {
    const model = loadOnnxFile(path.join(FIXTURES, 'resnet18_narrow', 'model.onnx'));
    const skips = findSkips(model.validated);
    expect(skips.map((s) => s.kind)).toEqual(Array(8).fill('residual'));
    // torchvision BasicBlock: relu after the add is fused; three blocks project (stride 2 / width change).
    expect(skips.filter((s) => s.shortcut.length > 0)).toHaveLength(3);
    expect(skips.every((s) => s.detail.includes('relu'))).toBe(true);
    // conv-relu-conv on the body: PyTorch folded each BatchNorm into its conv.
    expect(skips.every((s) => s.span === 3)).toBe(true);
  });
});

describe('MobileNetV2 fixture skips', () => {
  it('imports ReLU6 as clip(0, 6) and lists each inverted residual with its identity shortcut', () => {
    const model = loadOnnxFile(path.join(FIXTURES, 'mobilenetv2_narrow', 'model.onnx'));
    // PyTorch exports ReLU6 as Clip(x, 0, 6) with Constant bounds: 2 per block (1 in the first, no expand conv) + stem + head
    const clips = model.graph.nodes.filter((n) => n.op === 'clip');
    expect(clips).toHaveLength(27);
    expect(clips.every((n) => JSON.stringify(n.attrs) === '{"min":0,"max":6}')).toBe(true);
    // one depthwise 3x3 conv (groups = channels) in each of the 13 blocks
    expect(model.validated.nodes.filter((n) => n.type === 'conv2d' && n.attrs.groups > 1 && n.attrs.groups === n.inputs[0]!.shape[1]).length).toBe(13);
    const skips = findSkips(model.validated);
    expect(skips.map((s) => s.kind)).toEqual(Array(9).fill('residual'));
    // identity shortcuts only: stride-2 blocks and the 16 -> 24 block (stride 1, channels change) have none
    expect(skips.every((s) => s.shortcut.length === 0 && s.detail.includes('identity'))).toBe(true);
    // BatchNorm folded into the convs: dw conv, clip, project conv in the first block (expand ratio 1);
    // expand conv, clip, dw conv, clip, project conv in the others
    expect(skips.map((s) => s.span)).toEqual([3, 5, 5, 5, 5, 5, 5, 5, 5]);
  });
});

describe('InceptionV3 fixture skips', () => {
  it("keeps the E block's inner cats that torch.onnx flattened into one Concat", () => {
    const model = loadOnnxFile(path.join(FIXTURES, 'inception_narrow', 'model.onnx'));
    const concats = model.graph.nodes.filter((n) => n.op === 'concat');
    expect(concats.map((n) => [n.name, n.inputs.length])).toEqual([
      ['/mixed_a/Concat', 4],
      ['/mixed_e/Concat/1', 2],
      ['/mixed_e/Concat/2', 2],
      ['/mixed_e/Concat', 4],
    ]);
    const outer = concats[3]!;
    // cat([branch1x1, cat([3x3_2a, 3x3_2b]), cat([dbl_3a, dbl_3b]), branch_pool]), as torchvision writes it.
    expect(outer.inputs[1]).toBe(concats[1]!.outputs[0]);
    expect(outer.inputs[2]).toBe(concats[2]!.outputs[0]);
    const skips = findSkips(model.validated);
    const byMerge = new Map(skips.map((s) => [s.merge, s]));
    // Each inner cat joins two branches of its own 1x1 conv; the outer one joins the block input's branches.
    const fromOuter = byMerge.get('/mixed_e/Concat')!.from;
    expect(byMerge.get('/mixed_e/Concat/1')!.from).not.toBe(fromOuter);
    expect(byMerge.get('/mixed_e/Concat/2')!.from).not.toBe(fromOuter);
    expect(byMerge.get('/mixed_e/Concat/1')!.from).not.toBe(byMerge.get('/mixed_e/Concat/2')!.from);
    expect(byMerge.get('/mixed_a/Concat')!.to).toBe(fromOuter);
  });
});

describe('Swin fixture (shifted-window attention)', () => {
  it('imports the [B, H, W, C] Pad as an NHWC pad, folds the ScatterND mask and drops the ratio-0 training Dropout', () => {
    const model = loadOnnxFile(path.join(FIXTURES, 'swin_tiny', 'model.onnx'));
    const pads = model.validated.nodes.filter((n) => n.type === 'pad');
    // 20x20 input, 4x4 patches: a 5x5 grid of 8 channels, padded at the bottom and right to 8x8 (window 4).
    expect(pads).toHaveLength(1);
    const pad = pads[0]!;
    expect(pad.inputs[0]!.layout).toBe('NHWC');
    expect(pad.inputs[0]!.shape).toEqual([1, 5, 5, 8]);
    expect(pad.type === 'pad' && pad.attrs.pads).toEqual([0, 0, 3, 3]);
    expect(pad.outputs[0]!.shape).toEqual([1, 8, 8, 8]);
    // The attention mask (zeros, slice-assigned region ids) is a constant: no node computes it.
    expect(model.graph.nodes.some((n) => n.name.includes('ScatterND'))).toBe(false);
    expect(model.graph.nodes.some((n) => n.name.includes('Dropout'))).toBe(false);
  });
});
