/**
 * runCheck (@skipconn/conformance) on the PyTorch ONNX fixtures, with a planted fault: a wrapper
 * adapter that compiles the graph with one node's output multiplied by 1.01 on a real adapter
 * underneath, so every later node sees the corrupted value. The localisation must name exactly
 * that node, for a conv in a residual body, a conv in a DenseNet concat branch and the dense
 * layer that feeds a highway gate; a float32-ulp perturbation must not be flagged.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AdapterUnavailableError, createAdapter, findSkips, tensor, validateGraph, type Adapter, type HostTensor, type ValidatedGraph } from '@skipconn/core';
import { loadOnnxFile } from '@skipconn/onnx/node';
import { readNpyFile } from '@skipconn/core/node';
import { runCheck, type CheckAdapter, type CheckReport } from '@skipconn/conformance';
import '@skipconn/tfjs';
import { runCli } from './helpers';

const FIXTURES = path.resolve(__dirname, '..', '..', 'onnx', 'test', 'fixtures');

function fixture(name: string): { vg: ValidatedGraph; weights: Map<string, HostTensor>; feeds: Record<string, HostTensor> } {
  const { validated, weights } = loadOnnxFile(path.join(FIXTURES, name, 'model.onnx'));
  const input = readNpyFile(path.join(FIXTURES, name, 'input.npy'));
  return { vg: validated, weights, feeds: { [validated.graph.inputs[0]!.name]: input } };
}

/** The graph with each target node's first output multiplied by `scale` (a new mul node writes the old value name). */
function corrupt(vg: ValidatedGraph, targets: readonly string[], scale: number): { vg: ValidatedGraph; extra: Map<string, HostTensor> } {
  const g = vg.graph;
  for (const t of targets) if (!g.nodes.some((n) => n.name === t)) throw new Error(`no node ${t}`);
  const nodes = g.nodes.flatMap((n) => {
    if (!targets.includes(n.name)) return [n];
    const value = n.outputs[0]!;
    const clean = `${value}::before-fault`;
    return [
      { ...n, outputs: [clean, ...n.outputs.slice(1)] },
      { name: `${n.name}::fault`, op: 'mul', inputs: [clean, 'fault::scale'], outputs: [value] },
    ];
  });
  const dtype = vg.values.get(vg.graph.outputs[0]!)!.dtype;
  return {
    vg: validateGraph({ ...g, nodes, weights: [...g.weights, { name: 'fault::scale', dtype, shape: [] }] }),
    extra: new Map([['fault::scale', tensor(dtype as 'float32', [], [scale])]]),
  };
}

/** A wrapper adapter that runs `inner` on the corrupted graph. */
function plantFault(inner: string, target: string | readonly string[], scale = 1.01, maxOutputs = Infinity): CheckAdapter {
  const targets = typeof target === 'string' ? [target] : target;
  return {
    name: `${inner}+fault`,
    async create(): Promise<Adapter> {
      const a = await createAdapter(inner);
      return {
        name: `${inner}+fault`,
        init: () => a.init(),
        whyUnsupported: (op, dtype) => a.whyUnsupported(op, dtype),
        async compile(vg, weights, options) {
          // A runtime that cannot mark many values as outputs: the check must fall back to bisection.
          if (vg.graph.outputs.length > maxOutputs) throw new Error(`at most ${maxOutputs} outputs, received ${vg.graph.outputs.length}`);
          const c = corrupt(vg, targets, scale);
          return a.compile(c.vg, new Map([...weights, ...c.extra]), options);
        },
        resources: () => a.resources(),
        dispose: () => a.dispose(),
      };
    },
  };
}

function onlyLocalization(report: CheckReport) {
  expect(report.localizations).toHaveLength(1);
  return report.localizations[0]!;
}

const residual = fixture('resnet18_narrow');
const dense = fixture('densenet_small');
const zoo = fixture('skip_zoo');

/** A conv2d on the body of the first residual skip that is not the first node of that body. */
function residualBodyConv(vg: ValidatedGraph): string {
  const skip = findSkips(vg).find((s) => s.kind === 'residual')!;
  return skip.bypassed.filter((n) => vg.nodes.find((x) => x.spec.name === n)!.spec.op === 'conv2d').at(-1)!;
}

/** The conv2d of the first DenseNet layer's branch (bypassed by the first concat). */
function concatBranchConv(vg: ValidatedGraph): string {
  const skip = findSkips(vg).find((s) => s.kind === 'concat')!;
  return skip.bypassed.filter((n) => vg.nodes.find((x) => x.spec.name === n)!.spec.op === 'conv2d').at(-1)!;
}

/** The dense node whose output is the highway's gate input (T = sigmoid of it). */
function highwayGate(vg: ValidatedGraph): string {
  const merge = vg.nodes.find((n) => n.spec.op === 'highway')!;
  const gateInput = merge.spec.inputs[2]!;
  return vg.producers.get(gateInput)!.spec.name;
}

describe('check: the fixtures pass on the reference and tfjs:cpu', () => {
  test.each([
    ['resnet18_narrow', residual],
    ['densenet_small', dense],
    ['skip_zoo', zoo],
  ])('%s', async (name, m) => {
    const report = await runCheck({ model: name, graph: m.vg, weights: m.weights, feeds: m.feeds, adapters: ['reference', 'tfjs:cpu'] });
    expect(report.results.map((r) => [r.adapter, r.status])).toEqual([
      ['reference', 'pass'],
      ['tfjs:cpu', 'pass'],
    ]);
    expect(report.summary.ok).toBe(true);
    expect(report.localizations).toEqual([]);
    expect(report.pairs).toHaveLength(1);
    expect(report.adapters.find((a) => a.name === 'tfjs:cpu')!.backend).toContain('cpu');
  });
});

test('an adapter that cannot start is listed as unavailable; required, it fails the check', async () => {
  const missing: CheckAdapter = {
    name: 'test:missing',
    create: () => ({
      name: 'test:missing',
      init: async () => {
        throw new AdapterUnavailableError('test:missing', 'no such runtime here', 'install it');
      },
      whyUnsupported: () => undefined,
      compile: async () => {
        throw new Error('never compiled');
      },
      resources: () => ({}),
      dispose: async () => undefined,
    }),
  };
  const optional = await runCheck({ model: 'skip_zoo', graph: zoo.vg, weights: zoo.weights, feeds: zoo.feeds, adapters: ['reference', missing] });
  expect(optional.adapters.find((a) => a.name === 'test:missing')).toMatchObject({ available: false, reason: 'no such runtime here', fix: 'install it' });
  expect([optional.summary.ok, optional.summary.unavailable]).toEqual([true, ['test:missing']]);
  const required = await runCheck({ model: 'skip_zoo', graph: zoo.vg, weights: zoo.weights, feeds: zoo.feeds, adapters: ['reference', missing], requireAdapters: ['test:missing'] });
  expect([required.summary.ok, required.summary.unavailableRequired]).toEqual([false, ['test:missing']]);
});

describe('check: a planted fault is named exactly', () => {
  test('a conv in a residual body (reference underneath)', async () => {
    const target = residualBodyConv(residual.vg);
    const report = await runCheck({ model: 'resnet18_narrow', graph: residual.vg, weights: residual.weights, feeds: residual.feeds, adapters: [plantFault('reference', target)] });
    expect(report.summary.ok).toBe(false);
    const l = onlyLocalization(report);
    expect(l.status).toBe('node');
    expect(l.method).toBe('all-at-once');
    expect(l.node!.name).toBe(target);
    expect(l.node!.op).toBe('conv2d');
    expect(l.skip).toMatchObject({ kind: 'residual', role: 'body' });
    expect(l.message).toContain(`first divergent node '${target}' (conv2d)`);
    // 1% of the worst value: far beyond float32 noise, against the reference and against its own kernel.
    expect(Number(l.node!.errorRatio)).toBeGreaterThan(10);
    expect(Number(l.node!.localErrorRatio)).toBeGreaterThan(10);
  });

  test('a conv in a concat branch (tfjs:cpu underneath)', async () => {
    const target = concatBranchConv(dense.vg);
    const report = await runCheck({ model: 'densenet_small', graph: dense.vg, weights: dense.weights, feeds: dense.feeds, adapters: [plantFault('tfjs:cpu', target)] });
    const l = onlyLocalization(report);
    expect([l.status, l.node?.name, l.node?.op]).toEqual(['node', target, 'conv2d']);
    expect(l.skip).toMatchObject({ kind: 'concat', role: 'body' });
  });

  test('the dense layer feeding a highway gate (tfjs:cpu underneath)', async () => {
    const target = highwayGate(zoo.vg);
    const report = await runCheck({ model: 'skip_zoo', graph: zoo.vg, weights: zoo.weights, feeds: zoo.feeds, adapters: [plantFault('tfjs:cpu', target)] });
    const l = onlyLocalization(report);
    expect([l.status, l.node?.name]).toEqual(['node', target]);
    expect(l.skip).toMatchObject({ kind: 'highway' });
  });

  test('by bisection when the runtime refuses to mark every value as an output', async () => {
    const target = residualBodyConv(residual.vg);
    const limit = residual.vg.graph.outputs.length + 3;
    const report = await runCheck({ model: 'resnet18_narrow', graph: residual.vg, weights: residual.weights, feeds: residual.feeds, adapters: [plantFault('reference', target, 1.01, limit)] });
    const l = onlyLocalization(report);
    expect([l.status, l.method, l.node?.name]).toEqual(['node', 'bisection', target]);
  });

  test('a perturbation of one float32 ulp is rounding, not a fault', async () => {
    const target = residualBodyConv(residual.vg);
    const report = await runCheck({ model: 'resnet18_narrow', graph: residual.vg, weights: residual.weights, feeds: residual.feeds, adapters: [plantFault('tfjs:cpu', target, 1 + 2 ** -23)] });
    expect(report.results.every((r) => r.status === 'pass')).toBe(true);
    expect(report.localizations).toEqual([]);
  });

  test('errors just inside the single-op tolerance at every node add up to drift, blamed on no node', async () => {
    // Every conv and dense output scaled by 1 + 8e-6, judged at a fixed rtol of 1e-5: each node is
    // within it against its own kernel on its inputs, while the relative errors add up along the
    // path (two scaled convs already make 1.6e-5).
    const targets = residual.vg.nodes.filter((n) => n.spec.op === 'conv2d' || n.spec.op === 'dense').map((n) => n.spec.name);
    const report = await runCheck({
      model: 'resnet18_narrow',
      graph: residual.vg,
      weights: residual.weights,
      feeds: residual.feeds,
      adapters: [plantFault('reference', targets, 1 + 8e-6)],
      tolerance: { atol: 1e-7, rtol: 1e-5 },
    });
    expect(report.summary.ok).toBe(false);
    const l = onlyLocalization(report);
    expect(l.status).toBe('drift');
    expect(l.node).toBeUndefined();
    expect(targets).toContain(l.firstOutOfTolerance);
    expect(l.message).toContain('no node diverges on its own');
  });
});

describe('skipconn check (the command)', () => {
  // In-process, as the inspect tests run it, on pure-JS adapters only.
  const model = path.join(FIXTURES, 'skip_zoo', 'model.onnx');
  const input = `input=${path.join(FIXTURES, 'skip_zoo', 'input.npy')}`;

  test('passes with exit 0, prints the adapter x output matrix and writes the JSON and HTML reports', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-cli-'));
    try {
      const r = await runCli(['check', model, '--adapters', 'reference,tfjs:cpu', '--input', input, '--json', 'c.json', '--html', 'c.html'], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/tfjs:cpu\s+output\s+pass/);
      expect(r.stdout).toContain('check: ok (2 outputs on 2 adapters)');
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'c.json'), 'utf8')) as CheckReport;
      expect([json.format, json.version, json.summary.ok]).toEqual(['skipconn.check.report', 1, true]);
      expect(json.results.map((x) => `${x.adapter}:${x.output}:${x.status}`)).toEqual(['reference:output:pass', 'tfjs:cpu:output:pass']);
      expect(json.machine.cpus).toMatch(/^\d+ x /);
      const html = fs.readFileSync(path.join(dir, 'c.html'), 'utf8');
      expect(html).toContain('check/model.onnx/output');
      expect(fs.readdirSync(dir).sort()).toEqual(['c.html', 'c.json']); // no temporary files left
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a tolerance of 0 fails float32 with exit 1 and names a node', async () => {
    const r = await runCli(['check', model, '--adapters', 'tfjs:cpu', '--input', input, '--atol', '0', '--rtol', '0']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/tfjs:cpu\s+output\s+FAIL/);
    expect(r.stdout).toMatch(/tfjs:cpu: first divergent node '[^']+' \(\w+\)/);
    expect(r.stdout).toContain('check: FAILED (tfjs:cpu)');
  });

  test.each([
    [['check'], 'expected one model file, received 0'],
    [['check', model, '--adapters', 'nope'], "unknown adapter 'nope'"],
    [['check', model, '--atol', '1e-3'], '--atol and --rtol go together'],
    [['check', model, '--atol', 'x', '--rtol', '1'], "--atol: expected a number >= 0, received 'x'"],
    [['check', model, '--input', 'wrong=' + path.join(FIXTURES, 'skip_zoo', 'input.npy')], "missing --input for 'input'; the model takes: input=<file.npy> (float32 [1,3,28,28])"],
    [['check', path.join(FIXTURES, 'skip_zoo', 'meta.json')], 'not a model skipconn can read'],
  ])('bad input exits 2 with one line: %j', async (args, message) => {
    const r = await runCli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('    at ');
  });
});
