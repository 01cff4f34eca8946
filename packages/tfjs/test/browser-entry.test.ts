/**
 * The browser entry (`@skipconn/tfjs/browser`): it bundles for the browser with no Node built-in
 * and no import() of its own, runs on the tfjs-core handed in, reports what really ran, and
 * refuses to run one backend under another's name when tfjs falls back.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { AdapterUnavailableError, GraphBuilder, blocks, randomTensor } from '@skipconn/core';
import { createBrowserTfjsAdapter, createTfjsAdapter, registerTfjsBrowserAdapters, tfjsBrowserSpec, type Tf } from '../src/browser';

tf.env().set('IS_TEST', true);

describe('@skipconn/tfjs/browser', () => {
  it('bundles for the browser: no Node built-ins, no dynamic import, tfjs left to the page', async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [path.join(__dirname, '..', 'src', 'browser.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
      external: ['@tensorflow/*'],
    });
    const js = result.outputFiles[0]!.text;
    expect(js).not.toMatch(/\bimport\(/);
    expect(js).not.toMatch(/from ["']@tensorflow\//);
  }, 30_000);

  it('runs on the tfjs-core handed in and reports the backend that ran', async () => {
    const adapter = createBrowserTfjsAdapter('cpu', tf);
    await adapter.init();
    const b = new GraphBuilder('block');
    b.output(blocks.resnetBasicBlock(b, b.input('x', [1, 2, 4, 4], { layout: 'NCHW' }), 'block', 2, 2));
    const g = b.build();
    const compiled = await adapter.compile(g.validated, g.weights);
    await compiled.run({ x: randomTensor([1, 2, 4, 4], 3) });
    expect(compiled.info.backend).toBe('cpu');
    await compiled.dispose();
    await adapter.dispose();
  });

  it('is unavailable, with the reason and the fix, when the page did not import the backend or lacks the GPU API', async () => {
    const wasm = await createBrowserTfjsAdapter('wasm', tf)
      .init()
      .catch((e: unknown) => e);
    expect(wasm).toBeInstanceOf(AdapterUnavailableError);
    expect(wasm).toMatchObject({ reason: "no 'wasm' backend is registered with the tfjs-core handed in", fix: expect.stringMatching(/import '@tensorflow\/tfjs-backend-wasm'/) });
    const webgpu = await createBrowserTfjsAdapter('webgpu', tf)
      .init()
      .catch((e: unknown) => e);
    expect(webgpu).toMatchObject({ reason: expect.stringMatching(/navigator\.gpu is not defined/) });
    const webgl = await createBrowserTfjsAdapter('webgl', tf)
      .init()
      .catch((e: unknown) => e);
    expect(webgl).toMatchObject({ reason: expect.stringMatching(/WebGL needs a browser/) });
  });

  it('registers an adapter for each backend registered with tfjs', () => {
    expect(registerTfjsBrowserAdapters(tf)).toEqual(['tfjs:cpu']);
  });
});

describe('tfjs falling back to another backend', () => {
  it('is refused at init when setBackend leaves another backend active', async () => {
    // tfjs reports success but another backend stays active (what a silent fallback looks like).
    const fallingBack = new Proxy(tf, {
      get: (target, key) => (key === 'setBackend' ? async () => true : key === 'findBackendFactory' ? () => () => undefined : Reflect.get(target, key)),
    }) as Tf;
    await tf.setBackend('cpu');
    const spec = { ...tfjsBrowserSpec('cpu', fallingBack), name: 'tfjs:webgl', backend: 'webgl' };
    const err = await createTfjsAdapter(spec)
      .init()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterUnavailableError);
    expect(err).toMatchObject({ adapter: 'tfjs:webgl', reason: "tfjs backend 'webgl' was requested but 'cpu' is active after setBackend" });
  });

  it('is refused at init when the backend fails to initialize', async () => {
    tf.registerBackend('broken-gpu', () => {
      throw new Error('no GPU');
    });
    const spec = { ...tfjsBrowserSpec('cpu', tf), name: 'tfjs:broken', backend: 'broken-gpu' };
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const err = await createTfjsAdapter(spec)
        .init()
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ reason: "tfjs backend 'broken-gpu' failed to initialize" });
      // tfjs now names the failed backend with no instance behind it; its next op would quietly
      // pick the best registered backend. A cpu adapter still runs on cpu.
      expect(tf.getBackend()).toBe('broken-gpu');
      const cpu = createBrowserTfjsAdapter('cpu', tf);
      await cpu.init();
      expect(tf.getBackend()).toBe('cpu');
      await cpu.dispose();
    } finally {
      warn.mockRestore();
      tf.removeBackend('broken-gpu');
    }
  });
});
