/**
 * The compiler without a GPU: fusion decisions, concat placement and the arena. These run on
 * every machine, GPU or not.
 */
import { GraphBuilder, OP_TYPES, blocks, implementedOps, randomTensor, tensor, validateGraph, type Layout, type OpType, type ValidatedGraph, type WeightStore } from '@skipconn/core';
import { loadCases, materializeCase } from '@skipconn/conformance';
import { buildSteps } from '../src/plan/steps';
import { placeValues } from '../src/plan/placement';
import { planArena } from '../src/plan/arena';
import { emitCalls } from '../src/plan/emit';
import { WEBGPU_INT32_OPS, WEBGPU_OPS, webgpuOpKind } from '../src/plan/ops';
import type { Alloc } from '../src/plan/placement';
import { SUPPORTED_OPS, webgpuWhyUnsupported } from '../src';

function graph(make: (b: GraphBuilder, x: string) => string, shape: number[], layout: Layout) {
  const b = new GraphBuilder();
  const x = b.input('x', shape, { layout });
  b.output(make(b, x));
  return b.build();
}

function compile(built: { validated: ValidatedGraph; weights: WeightStore }, fusion = true, maxBindings = 8, convPrologue = false) {
  const { steps, constants } = buildSteps(built.validated, built.weights, { fusion, maxBindings, convPrologue });
  const placement = placeValues(built.validated, steps, constants);
  const arena = planArena(placement.allocs);
  const emitted = emitCalls(built.validated, placement, (ref) => (ref.k === 'alloc' ? `s${arena.slotOf[ref.id]}` : `c:${ref.name}`));
  return { steps, placement, arena, emitted };
}

// Each op's entry in WEBGPU_OPS is required by the compiler (a missing op does not type-check) and
// carries its lowering or emitter; what tsc cannot see is whether the fusion pass routes a node to
// it. These compile every float32 and int32 conformance graph with fusion off (one step per node) and look
// for each op's nodes among the kernel calls.
describe('op table', () => {
  it('implements every op of the vocabulary, int32 at the ops core lets int32 reach, and SUPPORTED_OPS and whyUnsupported follow it', () => {
    expect(implementedOps(WEBGPU_OPS)).toEqual([...OP_TYPES]);
    expect([...SUPPORTED_OPS]).toEqual([...OP_TYPES]);
    expect([...WEBGPU_INT32_OPS].sort()).toEqual(['add', 'argMax', 'cast', 'concat', 'equal', 'flatten', 'floorDiv', 'gatherNd', 'mul', 'reshape', 'slice', 'sub', 'topK', 'transpose']);
    for (const op of WEBGPU_INT32_OPS) expect(webgpuWhyUnsupported(op, 'int32')).toBeUndefined();
    expect(webgpuWhyUnsupported('topK', 'float32')).toBeUndefined();
    expect(webgpuWhyUnsupported('equal', 'float32')).toBeUndefined();
    expect(webgpuWhyUnsupported('conv2d', 'float32')).toBeUndefined();
    expect(webgpuWhyUnsupported('conv3d', 'float32')).toMatch(/'conv3d' is not an op of the vocabulary/);
    expect(webgpuWhyUnsupported('relu', 'int32')).toMatch(/op relu has no int32 kernel here/);
    expect(webgpuWhyUnsupported('relu', 'float64')).toMatch(/dtype float64 is not run/);
  });

  it('binds int32 values as i32 and keeps int32 expressions out of anchor epilogues', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 2, 4, 4], { layout: 'NCHW' });
    const conv = b.node('conv2d', [x, b.weight('w', randomTensor([2, 2, 1, 1], 3))], {}, 'conv');
    const toInt = b.node('cast', [conv], { to: 'int32' }, 'toInt');
    const idx = b.node('argMax', [b.node('reshape', [conv], { shape: [2, 16] }, 'flat')], { axis: 1 }, 'idx');
    b.output(b.node('mul', [toInt, b.weight('k', tensor('int32', [1], [3]))], {}, 'thrice'), idx);
    const { emitted } = compile(b.build());
    // The cast is not the convolution's epilogue: it reads the f32 convolution output in a pass of its own.
    expect(emitted.calls.map((c) => c.label)).toEqual(['conv', 'idx', 'toInt+thrice']);
    const [, argMax, ewise] = emitted.calls;
    expect(ewise!.bindings.map((bd) => bd.elem ?? 'f32')).toEqual(['i32', 'f32', 'i32']);
    expect(argMax!.bindings.map((bd) => bd.elem ?? 'f32')).toEqual(['f32', 'i32']);
    expect(ewise!.source()).toMatch(/array<(vec4<)?i32>?>/);
    expect(ewise!.source()).toContain('f2i_');
  });

  it('topK is one dispatch (a workgroup per row, an invocation per element of short rows) writing values and i32 indices; equal of int32 is an i32 expression', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [3, 4, 300]);
    const short = b.input('short', [3, 4, 50]);
    const n = b.input('n', [6], { dtype: 'int32' });
    const [values, indices] = b.nodeOutputs('topK', [x], { k: 5 }, 'top', 2);
    const [shortValues] = b.nodeOutputs('topK', [short], { k: 5 }, 'shortTop', 2);
    b.output(values!, indices!, shortValues!, b.node('equal', [n, b.weight('m', tensor('int32', [1], [2]))], {}, 'same'));
    const { emitted } = compile(b.build());
    const [top, shortTop, same] = emitted.calls;
    expect(emitted.calls.map((c) => `${c.label}:${c.shaderName}`)).toEqual(['top:topK', 'shortTop:topKRank', 'same:ewise']);
    expect(top!.groups).toEqual({ gx: 12, gy: 1 });
    expect(shortTop!.groups).toEqual({ gx: Math.ceil((12 * 50) / 128), gy: 1 });
    expect(top!.bindings).toEqual([{ access: 'read' }, { access: 'read_write' }, { access: 'read_write', elem: 'i32' }]);
    expect(same!.bindings.map((bd) => bd.elem ?? 'f32')).toEqual(['i32', 'i32', 'i32']);
    expect(same!.source()).toContain('ieq_');
  });

  it('every op that writes a kernel of its own reaches its lowering or emitter', () => {
    const reached = new Set<OpType>();
    let compiled = 0;
    for (const c of loadCases()) {
      if (typeof c.expected === 'object' && 'error' in c.expected) continue;
      if (![...c.graph.inputs, ...c.graph.weights].every((v) => v.dtype === 'float32' || v.dtype === 'int32')) continue;
      const validated = validateGraph(c.graph);
      if (validated.nodes.some((n) => !SUPPORTED_OPS.has(n.type))) continue;
      const { weights } = materializeCase(c);
      const labels = new Set(compile({ validated, weights }, false).emitted.calls.map((call) => call.label.replace(/\[.*\]$/, '')));
      compiled++;
      for (const node of validated.nodes) if (labels.has(node.spec.name)) reached.add(node.type);
    }
    expect(compiled).toBeGreaterThan(300);
    // Views (reshape, flatten) of dense values are free; their copy is reached in 'a reshape of a strided concat slice'.
    const emitting = implementedOps(WEBGPU_OPS).filter((op) => webgpuOpKind(op) !== 'view');
    expect(emitting.filter((op) => !reached.has(op))).toEqual([]);
  });

  it('a reshape of a strided concat slice is a copy; of a dense value, no kernel', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 2, 2, 2], { layout: 'NCHW' });
    const r = b.node('relu', [x], {}, 'r');
    const c = b.node('concat', [x, r], {}, 'c');
    b.output(c, b.node('reshape', [r], { shape: [2, 8] }, 'strided'), b.node('flatten', [c], { axis: 1 }, 'dense'));
    const { placement, emitted } = compile(b.build());
    expect(placement.hosted.get('r')).toBe('c'); // batch 2: r's channel slice is strided
    // x is copied in by the concat (a graph input is uploaded whole, so it is not hosted in a strided slice).
    expect(emitted.calls.map((call) => call.label)).toEqual(['r', 'c[x]', 'strided']);
  });
});

describe('fusion pass', () => {
  it('ResNet basic block: batchNorm, relu and the residual add go into the convolutions', () => {
    const { steps } = compile(graph((b, x) => blocks.resnetBasicBlock(b, x, 'r', 8, 8), [1, 8, 6, 6], 'NCHW'));
    expect(steps.map((s) => `${s.kind === 'ewise' ? 'ewise' : `${s.kind}(${s.node.type})`}:${s.nodes.join('+')}`)).toEqual(['anchor(conv2d):r.conv1+r.bn1+r.relu1', 'anchor(conv2d):r.conv2+r.bn2+r.add']);
  });

  it('with fusion off every node is one step', () => {
    const built = graph((b, x) => blocks.resnetBasicBlock(b, x, 'r', 8, 8), [1, 8, 6, 6], 'NCHW');
    expect(compile(built, false).steps).toHaveLength(built.validated.nodes.length);
  });

  it('refuses a fusion that would need more storage bindings than the device has', () => {
    const built = graph((b, x) => blocks.resnetBasicBlock(b, x, 'r', 8, 8), [1, 8, 6, 6], 'NCHW');
    const { steps } = compile(built, true, 4);
    expect(steps.length).toBeGreaterThan(2);
    for (const call of compile(built, true, 4).emitted.calls) expect(call.bindings.length).toBeLessThanOrEqual(4);
  });

  it('highway: the sigmoid, both products and the carry are one expression', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2, 4], { layout: 'NC' });
    const h = b.input('h', [2, 4], { layout: 'NC' });
    const t = b.input('t', [2, 4], { layout: 'NC' });
    b.output(b.node('highway', [x, h, t], {}, 'hw'));
    const { emitted } = compile(b.build());
    expect(emitted.calls).toHaveLength(1);
    const src = emitted.calls[0]!.source();
    expect(src).toContain('sigm_');
  });

  it('residual + bias: an add of a per-channel bias folds into the merge', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4, 3, 3], { layout: 'NCHW' });
    const h = b.input('h', [1, 4, 3, 3], { layout: 'NCHW' });
    const bias = b.weight('bias', randomTensor([1, 4, 1, 1], 3));
    const biased = b.node('add', [h, bias], {}, 'bias_add');
    b.output(b.node('residual', [x, biased], { activation: 'relu' }, 'merge'));
    const { steps } = compile(b.build());
    expect(steps.map((s) => s.nodes.join('+'))).toEqual(['bias_add+merge']);
  });

  it('a value with two consumers is stored, not recomputed', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [4], {});
    const r = b.node('relu', [x], {}, 'r');
    b.output(b.node('add', [r, r], {}, 'twice'), b.node('sigmoid', [r], {}, 's'));
    expect(compile(b.build()).steps).toHaveLength(3);
  });
});

describe('placement: zero-copy concat', () => {
  it('DenseNet NCHW batch 1 with conv prologues: one buffer holds the block; concat emits nothing', () => {
    const built = graph((b, x) => blocks.denseBlock(b, x, 'd', 4, 2, 3), [1, 4, 5, 5], 'NCHW');
    const { placement, arena, emitted } = compile(built, true, 8, true);
    expect(emitted.calls.map((c) => c.shaderName)).toEqual(['conv2d', 'conv2d', 'conv2d']);
    expect(placement.hosted.get('x')).toBe('d.concat3');
    expect(placement.hosted.get('d.concat1')).toBe('d.concat3'); // prefix of the last concat
    expect(arena.arenaBytes).toBe((4 + 3 * 2) * 25 * 4);
    // Each layer reads the concat buffer and writes its own slice of it: one read_write binding.
    for (const c of emitted.calls) expect(c.bindings.filter((bd) => bd.access === 'read_write')).toHaveLength(1);
  });

  it('DenseNet by default: batchNorm + relu is one stored pass, the convolution a plain one writing its slice', () => {
    const built = graph((b, x) => blocks.denseBlock(b, x, 'd', 4, 2, 3), [1, 4, 5, 5], 'NCHW');
    const { placement, arena, emitted } = compile(built);
    expect(emitted.calls.map((c) => `${c.shaderName}:${c.label}`)).toEqual([1, 2, 3].flatMap((i) => [`ewise:d.layer${i}.norm+d.layer${i}.relu`, `conv2d:d.layer${i}.conv`]));
    expect(placement.hosted.get('d.concat1')).toBe('d.concat3');
    // The feature maps plus the largest batchNorm + relu temporary, the last layer's (8 channels).
    expect(arena.arenaBytes).toBe((4 + 3 * 2) * 25 * 4 + 8 * 25 * 4);
  });

  it('chained concats (concat of a concat) share one buffer too', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 2, 3, 3], { layout: 'NCHW' });
    const f1 = b.node('relu', [x], {}, 'f1');
    const c1 = b.node('concat', [x, f1], {}, 'c1');
    const f2 = b.node('sigmoid', [c1], {}, 'f2');
    b.output(b.node('concat', [c1, f2], {}, 'c2'));
    const { placement, emitted } = compile(b.build());
    expect(placement.hosted.get('c1')).toBe('c2');
    expect(placement.hosted.get('f1')).toBe('c1');
    expect(emitted.calls).toHaveLength(2);
  });

  it('a member used twice is hosted once and copied once', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 2, 2, 2], { layout: 'NCHW' });
    const r = b.node('relu', [x], {}, 'r');
    b.output(b.node('concat', [r, r], {}, 'c'));
    const { emitted } = compile(b.build());
    expect(emitted.calls.map((c) => c.label)).toEqual(['r', 'c[r]']);
  });

  it('weights and center-cropped members are copied', () => {
    const built = graph((b, x) => blocks.unet2(b, x, 'u', 2, 3), [1, 2, 20, 20], 'NCHW');
    const { placement } = compile(built);
    expect(placement.hosted.get('u.up')).toBe('u.skip');
    expect(placement.hosted.has('u.enc1.relu2')).toBe(false);
  });
});

describe('arena', () => {
  const alloc = (id: number, size: number, start: number, end: number): Alloc => ({ id, size, start, end, values: [`v${id}`] });

  it('reuses a buffer once a value is dead, never within its lifetime', () => {
    const plan = planArena([alloc(0, 100, -1, 0), alloc(1, 100, 0, 1), alloc(2, 100, 1, 2), alloc(3, 50, 2, 3)]);
    expect(plan.slotOf[0]).not.toBe(plan.slotOf[1]); // step 0 reads 0 and writes 1
    expect(plan.slotOf[2]).toBe(plan.slotOf[0]); // 0 is dead after step 0
    expect(plan.slotSizes).toHaveLength(2);
    expect(plan.peakLiveBytes).toBe(800);
    expect(plan.arenaBytes).toBe(800);
  });

  it('grows a free buffer rather than opening a new one', () => {
    const plan = planArena([alloc(0, 10, 0, 0), alloc(1, 40, 1, 1)]);
    expect(plan.slotSizes).toEqual([40]);
  });
});
