/**
 * @jest-environment ./packages/onnxruntime-node/test/environment.js
 */
/**
 * The ort-node adapters: sample graphs of every merge kind (both image layouts) run on
 * onnxruntime's CPU provider and match the reference evaluator; info reports the provider that
 * ran; sessions are counted and released; ort-node:cuda refuses to exist without CUDA binaries.
 */
import { AdapterUnavailableError, GraphBuilder, createAdapter, evaluateGraph, probeAdapter, registeredAdapters, tensor } from '@skipconn/core';
import { exportModel, splitExternalData } from '@skipconn/onnx';
import { createOrtNodeAdapter, cudaUnavailableReason } from '@skipconn/onnxruntime-node';
import { expectClose } from '../../onnx/test/compare';
import { samples } from '../../onnx/test/samples';

describe('ort-node:cpu on sample graphs', () => {
  const adapter = createOrtNodeAdapter('cpu');
  beforeAll(() => adapter.init());
  afterAll(() => adapter.dispose());

  it.each(samples().map((s) => [s.name, s] as const))('%s matches the reference', async (_name, sample) => {
    const { validated, weights } = sample.built;
    const want = evaluateGraph(validated, weights, sample.feeds);
    const before = adapter.resources()['sessions'];
    const compiled = await adapter.compile(validated, weights);
    expect(adapter.resources()['sessions']).toBe(before! + 1);
    expect(compiled.info.executionProvider).toBe('CPUExecutionProvider');
    const got = await compiled.run(sample.feeds);
    for (const name of validated.graph.outputs) expectClose(got[name], want[name], 1e-4, 1e-3, `${sample.name} ${name}`);
    await compiled.dispose();
    await compiled.dispose(); // idempotent
    expect(adapter.resources()['sessions']).toBe(before);
  });

  it('takes session options and rejects bad ones', async () => {
    const { validated, weights } = samples()[0]!.built;
    const feeds = samples()[0]!.feeds;
    const c = await adapter.compile(validated, weights, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, opset: 13 });
    const want = evaluateGraph(validated, weights, feeds);
    const got = await c.run(feeds);
    expectClose(got[validated.graph.outputs[0]!], want[validated.graph.outputs[0]!], 1e-4, 1e-3, 'opset 13, optimizations off');
    await c.dispose();
    await expect(adapter.compile(validated, weights, { graphOptimizationLevel: 'fast' })).rejects.toThrow(/graphOptimizationLevel/);
    await expect(adapter.compile(validated, weights, { intraOpNumThreads: -1 })).rejects.toThrow(/intraOpNumThreads/);
  });

  it('hands initializers over as in-memory external data past maxInlineInitializerBytes', async () => {
    // The samples (small constants that must stay inline for shape inference) and a conv whose
    // 2.3 KB weight moves out.
    const b = new GraphBuilder('conv-external');
    const x = b.input('x', [1, 8, 4, 4], { layout: 'NCHW' });
    const w = b.weight(
      'w',
      tensor(
        'float32',
        [8, 8, 3, 3],
        Array.from({ length: 576 }, (_, i) => ((i % 7) - 3) / 20),
      ),
    );
    b.output(b.node('residual', [x, b.node('conv2d', [x, w], { pads: [1, 1, 1, 1] }, 'conv')], { activation: 'relu' }, 'add'));
    const conv = {
      name: 'conv-external',
      built: b.build(),
      feeds: {
        x: tensor(
          'float32',
          [1, 8, 4, 4],
          Array.from({ length: 128 }, (_, i) => (i - 64) / 32),
        ),
      },
    };
    expect(splitExternalData(exportModel(conv.built.validated, conv.built.weights), 0).externalData.length).toBe(1);
    for (const sample of [...samples(), conv]) {
      const { validated, weights } = sample.built;
      const want = evaluateGraph(validated, weights, sample.feeds);
      // 0: every initializer leaves the protobuf, as those of a model over 2 GiB do.
      const c = await adapter.compile(validated, weights, { maxInlineInitializerBytes: 0 });
      const got = await c.run(sample.feeds);
      for (const name of validated.graph.outputs) expectClose(got[name], want[name], 1e-4, 1e-3, `${sample.name} ${name}, external data`);
      await c.dispose();
    }
    const { validated, weights } = samples()[0]!.built;
    await expect(adapter.compile(validated, weights, { maxInlineInitializerBytes: 1.5 })).rejects.toThrow(/maxInlineInitializerBytes: expected a non-negative integer, received 1.5/);
  });

  it('checks feeds', async () => {
    const { validated, weights } = samples()[0]!.built;
    const c = await adapter.compile(validated, weights);
    await expect(c.run({})).rejects.toThrow(/input 'x' is missing/);
    await c.dispose();
  });
});

describe('registration', () => {
  it('registers ort-node:cpu and ort-node:cuda', () => {
    const names = registeredAdapters().map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['ort-node:cpu', 'ort-node:cuda']));
  });

  it('ort-node:cpu is available', async () => {
    expect(await probeAdapter('ort-node:cpu')).toEqual({ name: 'ort-node:cpu', available: true });
  });

  it('ort-node:cuda is unavailable with the reason and the fix when the CUDA provider is missing', async () => {
    const reason = cudaUnavailableReason();
    const adapter = await createAdapter('ort-node:cuda');
    if (reason === undefined) {
      await expect(adapter.init()).resolves.toBeUndefined();
      return;
    }
    const err = await adapter.init().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AdapterUnavailableError);
    expect((err as AdapterUnavailableError).reason).toMatch(/libonnxruntime_providers_cuda\.so|no CUDA provider/);
    expect((err as AdapterUnavailableError).fix).toMatch(/--onnxruntime-node-install=cuda12/);
    await expect(adapter.compile(samples()[0]!.built.validated, samples()[0]!.built.weights)).rejects.toThrow(/init\(\)/);
  });
});
