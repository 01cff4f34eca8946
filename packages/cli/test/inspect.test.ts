import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { tensor } from '@skipconn/core';
import { writeNpyFile } from '@skipconn/core/node';
import { runCli } from './helpers';

const root = path.join(__dirname, '..', '..', '..');
const examples = fs.readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.json'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-inspect-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// The skip kinds each example must show (its reason to exist).
const EXPECTED_KINDS: Record<string, string[]> = {
  'resnet-basic-identity.json': ['residual'],
  'resnet-basic-projection.json': ['residual'],
  'densenet-block.json': ['concat', 'concat', 'concat', 'concat'],
  'highway-mlp.json': ['highway', 'highway', 'highway'],
  'se-residual-block.json': ['gate', 'residual'],
  'unet-2level-crop.json': ['concat'],
  'transformer-pre-ln.json': ['residual', 'residual'],
};

describe('skipconn inspect', () => {
  it('covers every example', () => {
    expect(examples.sort()).toEqual(Object.keys(EXPECTED_KINDS).sort());
  });

  it.each(examples)('%s prints its skip table and --json', async (file) => {
    const text = await runCli(['inspect', path.join('examples', file)], root);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/skip connections: \d+\nkind +from +to +span +merge/);
    const json = await runCli(['inspect', path.join('examples', file), '--json'], root);
    const report = JSON.parse(json.stdout);
    expect(Object.keys(report)).toEqual(['model', 'format', 'inputs', 'outputs', 'ops', 'skips']);
    expect(report.skips.map((s: { kind: string }) => s.kind)).toEqual(EXPECTED_KINDS[file]);
    for (const s of report.skips) expect(Object.keys(s)).toEqual(expect.arrayContaining(['kind', 'from', 'to', 'span', 'merge']));
  });

  it('projection shortcut is named in the table', async () => {
    const r = await runCli(['inspect', 'examples/resnet-basic-projection.json', '--json'], root);
    expect(JSON.parse(r.stdout).skips[0]).toMatchObject({ kind: 'residual', from: 'x', to: 'layer2.0.add', span: 5, merge: 'layer2.0.add' });
  });

  it('--json adds what each skip costs', async () => {
    const r = await runCli(['inspect', 'examples/resnet-basic-projection.json', '--json'], root);
    // x [1,8,8,8] -> basic block 8 -> 16 channels, stride 2:
    // body conv1 16*8*9 + 16 = 1168, bn1 4*16 = 64, conv2 16*16*9 + 16 = 2320, bn2 64 -> 3616
    // shortcut 1x1 conv 16*8 + 16 = 144, bn 64 -> 208; output [1,16,4,4] float32 = 256 * 4 = 1024 bytes
    expect(JSON.parse(r.stdout).skips[0]).toMatchObject({
      category: 'projection',
      scheme: null,
      bodyParams: 3616,
      shortcutParams: 208,
      mergeOutputBytes: 1024,
      concat: null,
      scales: [],
      shortcut: ['layer2.0.downsample.conv', 'layer2.0.downsample.bn'],
    });
    const dense = JSON.parse((await runCli(['inspect', 'examples/densenet-block.json', '--json'], root)).stdout);
    // x [1,8,6,6] plus growth 4 per layer: the first concat joins 8 + 4 channels
    expect(dense.skips[0].concat).toEqual({ inputChannels: [8, 4], outputChannels: 12, channelGrowth: 4, naiveBytes: (288 + 144 + 432) * 4, zeroCopyBytes: 432 * 4 });
  });

  it("--input and --seeded add the reference evaluator's signal at each merge", async () => {
    // y = x + 0.5 * x: the body is half the shortcut, so their RMS ratio is 0.5 for any input
    const graph = {
      format: 'skipconn.graph',
      version: 1,
      inputs: [{ name: 'x', dtype: 'float32', shape: [1, 2], layout: 'NC' }],
      outputs: ['y'],
      weights: [{ name: 'half', dtype: 'float32', shape: [], data: [0.5] }],
      nodes: [
        { name: 'body', op: 'mul', inputs: ['x', 'half'], outputs: ['h'] },
        { name: 'add', op: 'residual', inputs: ['x', 'h'], outputs: ['y'] },
      ],
    };
    const model = path.join(tmp, 'half.json');
    fs.writeFileSync(model, JSON.stringify(graph));
    const npy = path.join(tmp, 'x.npy');
    writeNpyFile(npy, tensor('float32', [1, 2], [3, -4]));
    const r = await runCli(['inspect', model, '--json', '--input', `x=${npy}`], root);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.signalInputs).toEqual({ x: npy });
    // shortcut [3,-4]: RMS sqrt(12.5); body [1.5,-2]: RMS sqrt(3.125)
    expect(report.skips[0].signal.shortcutRms).toBeCloseTo(Math.sqrt(12.5), 12);
    expect(report.skips[0].signal.bodyRms).toBeCloseTo(Math.sqrt(3.125), 12);
    expect(report.skips[0].signal.ratio).toBeCloseTo(0.5, 12);
    const seeded = JSON.parse((await runCli(['inspect', model, '--json', '--seeded'], root)).stdout);
    expect(seeded.signalInputs).toBe('seeded');
    expect(seeded.skips[0].signal.ratio).toBeCloseTo(0.5, 12);
    const text = await runCli(['inspect', model, '--seeded'], root);
    expect(text.stdout).toContain('body/shortcut RMS 0.500');
  });

  it('--input errors name what the model takes', async () => {
    const npy = path.join(tmp, 'wrong.npy');
    writeNpyFile(npy, tensor('float32', [3], [1, 2, 3]));
    const wrongName = await runCli(['inspect', 'examples/highway-mlp.json', '--input', `y=${npy}`], root);
    expect(wrongName.code).toBe(2);
    expect(wrongName.stderr).toMatch(/missing --input for 'x'; the model takes: x=<file.npy> \(float32 \[/);
    const wrongShape = await runCli(['inspect', 'examples/highway-mlp.json', '--input', `x=${npy}`], root);
    expect(wrongShape.code).toBe(2);
    expect(wrongShape.stderr).toMatch(/input 'x': expected float32 \[.*received float32 \[3\]/);
    expect((await runCli(['inspect', 'examples/highway-mlp.json', '--seeded', '--input', `x=${npy}`], root)).stderr).toMatch(/--input or --seeded, not both/);
  });

  const write = (name: string, text: string) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it.each<[string, () => string, RegExp]>([
    ['missing file', () => path.join(tmp, 'nope.json'), /nope\.json.*(not found|no such file)/i],
    ['truncated JSON', () => write('cut.json', fs.readFileSync(path.join(root, 'examples/highway-mlp.json'), 'utf8').slice(0, 300)), /cut\.json at byte \d+: JSON ends early \(truncated file\?\)/],
    [
      'unknown op',
      () =>
        write(
          'op.json',
          JSON.stringify({
            format: 'skipconn.graph',
            version: 1,
            inputs: [{ name: 'x', dtype: 'float32', shape: [1] }],
            outputs: ['y'],
            weights: [],
            nodes: [{ name: 'n1', op: 'swish2', inputs: ['x'], outputs: ['y'] }],
          }),
        ),
      /node 'n1' \(swish2\): unknown op 'swish2'/,
    ],
    [
      'shape mismatch',
      () =>
        write(
          'mismatch.json',
          JSON.stringify({
            format: 'skipconn.graph',
            version: 1,
            inputs: [
              { name: 'x', dtype: 'float32', shape: [1, 64, 56, 56], layout: 'NCHW' },
              { name: 'f', dtype: 'float32', shape: [1, 128, 28, 28], layout: 'NCHW' },
            ],
            outputs: ['y'],
            weights: [],
            nodes: [{ name: 'add', op: 'residual', inputs: ['x', 'f'], outputs: ['y'] }],
          }),
        ),
      /node 'add' \(residual\): shortcut and body shapes must be equal.*\[1,128,28,28\].*projection shortcut/,
    ],
    ['not a model', () => write('data.txt', 'hello'), /not a model skipconn can read/],
  ])('%s: exit 2 with a clear message', async (_name, file, message) => {
    const r = await runCli(['inspect', file()], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['inspect'], root)).code).toBe(2);
    expect((await runCli(['inspect', 'a.json', '--bogus'], root)).stderr).toMatch(/unknown option --bogus/);
    expect((await runCli(['frobnicate'], root)).stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it('the installed bin exits 2 without a stack trace on a bad file', () => {
    const bad = write('bad.json', '{"format": "skipconn.graph", "version": 1, "inputs": [');
    const r = spawnSync(process.execPath, [path.join(root, 'packages/cli/bin/skipconn.js'), 'inspect', bad], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.json at byte \d+: JSON ends early/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
