/** The case data itself: counts, ids, and the coverage the suite promises (docs/conformance.md). */
import { MERGE_OPS, OP_TYPES, validateGraph } from '@skipconn/core';
import { isErrorExpectation, loadCases, type LoadedCase } from '../src';

const cases = loadCases();
const ids = new Set(cases.map((c) => c.id));
const tagged = (c: LoadedCase, tag: string) => (c.tags ?? []).includes(tag);
const prefix = (p: string) => cases.filter((c) => c.id.startsWith(p));

test('at least 300 cases with unique, readable ids', () => {
  expect(cases.length).toBeGreaterThanOrEqual(300);
  expect(ids.size).toBe(cases.length);
  for (const c of cases) expect(c.id).toMatch(/^(op|merge|block|error)\/[A-Za-z0-9_.-]+\/\S+$/);
});

test('every op of the vocabulary has cases, including zero-size, NaN, Inf and large values', () => {
  const missing: string[] = [];
  for (const op of OP_TYPES) {
    const own = prefix(MERGE_OPS.includes(op) ? `merge/${op}/` : `op/${op}/`);
    if (own.length < 3) missing.push(`${op}: only ${own.length} cases`);
    // floorDiv reads int32 only, which has no NaN or Infinity; topK leaves NaN undefined (core ops/top-k.ts).
    const tags = op === 'floorDiv' ? ['zero-size', 'large'] : op === 'topK' ? ['zero-size', 'inf', 'large'] : ['zero-size', 'nan', 'inf', 'large'];
    for (const tag of tags) {
      if (!own.some((c) => tagged(c, tag))) missing.push(`${op}: no ${tag} case`);
    }
    if (!own.some((c) => c.expected !== 'golden' && !isErrorExpectation(c.expected)) && !['reshape', 'silu', 'tanh', 'div'].includes(op)) {
      // most ops also carry a hand-checked literal case
      missing.push(`${op}: no literal case`);
    }
  }
  expect(missing).toEqual([]);
});

test('layout-sensitive ops run in both NCHW and NHWC', () => {
  for (const op of ['conv2d', 'convTranspose2d', 'maxPool2d', 'avgPool2d', 'globalAvgPool', 'resize', 'pad', 'batchNorm', 'softmax', 'flatten']) {
    expect([op, prefix(`op/${op}/`).some((c) => c.id.includes('/NCHW/'))]).toEqual([op, true]);
    expect([op, prefix(`op/${op}/`).some((c) => c.id.includes('/NHWC/'))]).toEqual([op, true]);
  }
  for (const merge of ['residual', 'concat', 'gate', 'highway']) {
    expect([merge, prefix(`merge/${merge}/`).some((c) => c.id.includes('/NHWC/'))]).toEqual([merge, true]);
  }
});

test('elementwise ops and activations cover ranks 0 to 4', () => {
  for (const op of ['add', 'sub', 'mul', 'div', 'relu', 'gelu', 'sigmoid', 'tanh', 'silu', 'clip']) {
    const ranks = new Set(prefix(`op/${op}/`).map((c) => c.graph.inputs[0]!.shape.length));
    expect([op, [...ranks].sort()]).toEqual([op, [0, 1, 2, 3, 4]]);
  }
});

test('attribute variants: strides, pads, dilations, groups, pooling pad modes, ceil mode, every resize mode and transform, every pad mode', () => {
  const attrs = (op: string) => prefix(`op/${op}/`).flatMap((c) => c.graph.nodes.map((n) => (n.attrs ?? {}) as Record<string, unknown>));
  const conv = attrs('conv2d');
  expect(conv.some((a) => JSON.stringify(a['strides']) === '[2,2]')).toBe(true);
  expect(conv.some((a) => Array.isArray(a['pads']) && new Set(a['pads'] as number[]).size > 1)).toBe(true);
  expect(conv.some((a) => JSON.stringify(a['dilations']) === '[2,2]')).toBe(true);
  expect(conv.some((a) => a['groups'] === 2)).toBe(true);
  expect(attrs('convTranspose2d').some((a) => a['outputPadding'] !== undefined)).toBe(true);
  const avg = attrs('avgPool2d');
  expect(avg.some((a) => a['countIncludePad'] === true && a['ceilMode'] === true)).toBe(true);
  expect(avg.some((a) => a['countIncludePad'] === false && a['ceilMode'] === true)).toBe(true);
  expect(attrs('maxPool2d').some((a) => a['ceilMode'] === true)).toBe(true);
  const resize = attrs('resize');
  for (const mode of ['nearest', 'bilinear']) {
    for (const t of ['asymmetric', 'half_pixel', 'pytorch_half_pixel', 'align_corners']) {
      expect([mode, t, resize.some((a) => a['mode'] === mode && a['coordinateTransform'] === t)]).toEqual([mode, t, true]);
    }
  }
  for (const m of ['floor', 'ceil', 'round_prefer_floor', 'round_prefer_ceil']) expect(resize.some((a) => a['nearestMode'] === m)).toBe(true);
  for (const m of ['reflect', 'edge']) expect(attrs('pad').some((a) => a['mode'] === m)).toBe(true);
  expect(attrs('pad').some((a) => a['mode'] === undefined && a['value'] !== undefined)).toBe(true);
});

test('every merge kind and variant', () => {
  const required = [
    'merge/residual/plain/NCHW/',
    'merge/residual/plain/NHWC/',
    'merge/residual/post-relu/',
    'merge/residual/rezero/',
    'merge/residual/layerscale/NCHW/',
    'merge/residual/layerscale/NHWC/',
    'merge/residual/deepnorm/',
    'merge/residual/stochastic-depth-scale-at-train/',
    'merge/residual/stochastic-depth-scale-at-test/',
    'merge/concat/2in/NCHW/',
    'merge/concat/3in/NHWC/',
    'merge/concat/4in/NCHW/',
    'merge/concat/5in/NHWC/',
    'merge/concat/2in/NTC/',
    'merge/concat/crop-even/NCHW/',
    'merge/concat/crop-odd/NHWC/',
    'merge/concat/crop-3in/',
    'merge/highway/coupled/',
    'merge/highway/separate/',
    'merge/gate/se/NCHW/',
    'merge/gate/se/NHWC/',
    'merge/gate/tokens/NTC/',
  ];
  expect(required.filter((p) => prefix(p).length === 0)).toEqual([]);
  const residualAttrs = prefix('merge/residual/').map((c) => c.graph.nodes[0]!.attrs ?? {}) as Record<string, unknown>[];
  expect(residualAttrs.some((a) => typeof a['alpha'] === 'number' && (a['alpha'] as number) > 1)).toBe(true);
});

test('error cases: shape mismatch with the projection hint, bad gate broadcast, concat layout mismatch, wrong learned-scale shape', () => {
  const errors = cases.filter((c) => isErrorExpectation(c.expected));
  expect(errors.length).toBeGreaterThanOrEqual(20);
  const find = (id: string) => errors.find((c) => c.id === id)?.expected;
  expect(find('error/residual/shape-mismatch-projection-hint')).toEqual({ error: { code: 'SHAPE_MISMATCH', message: 'projection shortcut' } });
  expect(find('error/gate/undeclared-batch-broadcast')).toBeDefined();
  expect(find('error/concat/layout-mismatch')).toBeDefined();
  expect(find('error/residual/learned-scale-wrong-shape')).toBeDefined();
  for (const c of errors) expect(() => validateGraph(c.graph)).toThrow();
});

test('composite blocks', () => {
  const blocks = [
    'block/resnet-basic/identity/NCHW',
    'block/resnet-basic/projection/NCHW',
    'block/resnet-bottleneck/identity/NHWC',
    'block/resnet-bottleneck/projection/NCHW',
    'block/densenet/4-layers/NCHW',
    'block/highway-mlp/3-layers-coupled/NC',
    'block/se-residual/reduction4/NHWC',
    'block/unet/2-level-crop/NCHW',
    'block/transformer/pre-LN/NTC',
    'block/transformer/post-LN/NTC',
    'block/residual-mlp/rezero/NTC',
    'block/residual-mlp/layerscale/NTC',
    'block/residual-mlp/deepnorm/NTC',
    'block/residual-mlp/stochastic-depth-scale-at-train/NTC',
    'block/residual-mlp/stochastic-depth-scale-at-test/NTC',
    'block/deep-residual-stack/20-blocks/NC',
    'block/mobilenetv2-inverted-residual/identity/NCHW',
    'block/mobilenetv2-inverted-residual/identity/NHWC',
    'block/mobilenetv2-inverted-residual/stage-stride2/NCHW',
  ];
  expect(blocks.filter((id) => !ids.has(id))).toEqual([]);
  const stack = cases.find((c) => c.id === 'block/deep-residual-stack/20-blocks/NC')!;
  expect(stack.graph.nodes.filter((n) => n.op === 'residual')).toHaveLength(20);
  // MobileNetV2: depthwise 3x3 (groups = channels), relu6 as clip(0, 6), identity residual only where stride 1 and in == out
  const mbv2 = cases.find((c) => c.id === 'block/mobilenetv2-inverted-residual/identity/NCHW')!;
  expect(mbv2.graph.nodes.map((n) => n.op)).toEqual(['conv2d', 'batchNorm', 'clip', 'conv2d', 'batchNorm', 'clip', 'conv2d', 'batchNorm', 'residual']);
  expect(mbv2.graph.nodes.filter((n) => n.op === 'clip').every((n) => JSON.stringify(n.attrs) === '{"min":0,"max":6}')).toBe(true);
  expect(mbv2.graph.nodes.find((n) => n.name === 'features.2.dw')?.attrs?.['groups']).toBe(48);
  const stage = cases.find((c) => c.id === 'block/mobilenetv2-inverted-residual/stage-stride2/NCHW')!;
  expect(stage.graph.nodes.filter((n) => n.op === 'residual').map((n) => n.name)).toEqual(['features.1.add', 'features.3.add']);
  const attention = cases.find((c) => c.id === 'block/transformer/pre-LN/NTC')!;
  expect(new Set(attention.graph.nodes.map((n) => n.op))).toEqual(new Set(['layerNorm', 'dense', 'reshape', 'transpose', 'matmul', 'mul', 'softmax', 'residual', 'gelu']));
});

test('literal cases explain their arithmetic; weights without data have init specs', () => {
  for (const c of cases) {
    if (c.expected !== 'golden' && !isErrorExpectation(c.expected)) expect([c.id, typeof c.why]).toEqual([c.id, 'string']);
    for (const w of c.graph.weights) if (w.data === undefined) expect([c.id, w.name, c.init?.[w.name] !== undefined]).toEqual([c.id, w.name, true]);
  }
  expect(cases.filter((c) => c.expected !== 'golden' && !isErrorExpectation(c.expected)).length).toBeGreaterThanOrEqual(30);
  expect(cases.filter((c) => tagged(c, 'float16')).length).toBeGreaterThanOrEqual(10);
});
