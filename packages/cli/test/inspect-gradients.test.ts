/**
 * inspect --gradients on graphs small enough to differentiate by hand.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tensor } from '@skipconn/core';
import { writeNpyFile } from '@skipconn/core/node';
import { runCli } from './helpers';

const root = path.join(__dirname, '..', '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-gradients-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** y = x + 0.5 * x as a residual merge (identity shortcut, body 0.5 * x). */
function halfModel(dtype: 'float32' | 'float64'): string {
  const file = path.join(tmp, `half-${dtype}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      format: 'skipconn.graph',
      version: 1,
      inputs: [{ name: 'x', dtype, shape: [1, 2], layout: 'NC' }],
      outputs: ['y'],
      weights: [{ name: 'half', dtype, shape: [], data: [0.5] }],
      nodes: [
        { name: 'body', op: 'mul', inputs: ['x', 'half'], outputs: ['h'] },
        { name: 'add', op: 'residual', inputs: ['x', 'h'], outputs: ['y'] },
      ],
    }),
  );
  return file;
}

describe('inspect --gradients', () => {
  it('gradient norms at the fork and the merge inputs, with and without the shortcut', async () => {
    const npy = path.join(tmp, 'x.npy');
    writeNpyFile(npy, tensor('float32', [1, 2], [3, -4]));
    const r = await runCli(['inspect', halfModel('float32'), '--json', '--gradients', '--input', `x=${npy}`], root);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    // y = 1.5 x, L = 1/2 |y|^2 = 1/2 * 2.25 * |x|^2 with |x| = 5: L = 28.125
    // dL/dy = y, so dL/dshortcut = dL/dbody = y: |y| = 7.5; dL/dx = 1.5 * y = 2.25 x: 11.25
    // shortcut cut: y = 0.5 x, L = 1/2 * 0.25 * 25 = 3.125; dL/dx = 0.25 x: 1.25;
    // dL/dshortcut = 0 (alpha = 0), dL/dbody = y: 2.5
    expect(report.gradientFlow).toMatchObject({ available: true, runtime: 'tfjs:cpu', inputs: { x: npy } });
    expect(report.gradientFlow.value).toBeCloseTo(28.125, 4);
    expect(report.gradientFlow.valueSkipsRemoved).toBeCloseTo(3.125, 5);
    const g = report.skips[0].gradient;
    expect(g.fork).toBeCloseTo(11.25, 4);
    expect(g.inputs[0]).toBeCloseTo(7.5, 4);
    expect(g.inputs[1]).toBeCloseTo(7.5, 4);
    expect(g.forkSkipsRemoved).toBeCloseTo(1.25, 5);
    expect(g.inputsSkipsRemoved[0]).toBe(0);
    expect(g.inputsSkipsRemoved[1]).toBeCloseTo(2.5, 5);
    const text = await runCli(['inspect', halfModel('float32'), '--gradients', '--input', `x=${npy}`], root);
    expect(text.stdout).toMatch(/gradient flow \(tfjs:cpu.*L = 28\.1\d, with every residual shortcut cut L = 3\.12\d/);
    expect(text.stdout).toMatch(/add +11\.3 +7\.50 7\.50 +1\.25 +0\.00 2\.50/);
  });

  it('states plainly when tfjs cannot differentiate the model', async () => {
    const r = await runCli(['inspect', halfModel('float64'), '--gradients'], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/gradient flow: not available on tfjs:cpu: .*float64/);
    const json = JSON.parse((await runCli(['inspect', halfModel('float64'), '--gradients', '--json'], root)).stdout);
    expect(json.gradientFlow).toMatchObject({ available: false, runtime: 'tfjs:cpu', inputs: 'seeded' });
    expect(json.gradientFlow.reason).toMatch(/float64/);
    expect(json.skips[0].gradient).toBeNull();
  });

  it('models whose kernels compare (max pool, clip) are differentiable too', async () => {
    // The U-Net's skip spans a max pool, whose tfjs kernel propagates NaN with comparisons. On the
    // seeded input every pre-activation of unet.dec1.relu1 is negative (the reference evaluator's
    // values: max -0.0022), so that ReLU passes no gradient and every norm upstream of it is 0.
    const unet = JSON.parse((await runCli(['inspect', 'examples/unet-2level-crop.json', '--gradients', '--json'], root)).stdout);
    expect(unet.gradientFlow.available).toBe(true);
    expect(unet.skips[0].gradient).toEqual({ fork: 0, inputs: [0, 0], forkSkipsRemoved: 0, inputsSkipsRemoved: [0, 0] });
  });
});
