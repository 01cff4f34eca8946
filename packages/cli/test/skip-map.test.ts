/**
 * The skip map (inspect --html / --svg): arc placement, one arc per skip, and the page in
 * headless Chromium on ResNet-50 and DenseNet-121 exported by Debian's torchvision at test time.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { runCli } from './helpers';
import { placeArcs, type SkipMapInput } from '../src/skip-map/svg';
import { findSkipGroups } from '../src/skip-map/collapse';
import { chromiumUnavailable, withHtmlPage } from '../../../tools/html-screenshot';

const root = path.join(__dirname, '..', '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-skip-map-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function inspectJson(model: string) {
  const r = await runCli(['inspect', model, '--json'], root);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { skips: { category: string; merge: string }[] };
}

describe('placeArcs', () => {
  const node = (name: string) => ({ name, op: 'relu', outputs: [name] });
  const skip = (from: string, merge: string) => ({ from, merge }) as SkipMapInput['skips'][number];

  it('nested arcs stand on the arcs inside them; chained arcs stay at level 1', () => {
    // main path: inputs (0), a (1), b (2), c (3), d (4)
    const input: SkipMapInput = {
      title: 't',
      nodes: ['a', 'b', 'c', 'd'].map(node),
      skips: [skip('x', 'b'), skip('x', 'c'), skip('a', 'c'), skip('b', 'd'), skip('x', 'd')],
    };
    expect(placeArcs(input).map((a) => [a.start, a.end, a.level])).toEqual([
      [0, 2, 1], // x -> b: nothing inside
      [0, 3, 2], // x -> c: holds x -> b and a -> c
      [1, 3, 1], // a -> c
      [2, 4, 1], // b -> d: crosses x -> c, is not inside it
      [0, 4, 3], // x -> d: holds everything, highest inside is x -> c at 2
    ]);
  });
});

describe('findSkipGroups', () => {
  it('chains of same-structure blocks are repeats; skips from one fork are fans', () => {
    const nodes = [
      ['r1', 'relu'],
      ['m1', 'residual'],
      ['r2', 'relu'],
      ['m2', 'residual'],
      ['t', 'tanh'],
      ['m3', 'residual'],
      ['c1', 'concat'],
      ['u', 'relu'],
      ['c2', 'concat'],
    ].map(([name, op]) => ({ name: name!, op: op!, outputs: [name!] }));
    const skip = (from: string, merge: string, bypassed: string[], category = 'residual') => ({ from, merge, bypassed, category }) as unknown as SkipMapInput['skips'][number];
    const input: SkipMapInput = {
      title: 't',
      nodes,
      skips: [
        skip('x', 'm1', ['r1']), // relu block
        skip('m1', 'm2', ['r2']), // the same block again, starting where m1 merged: a repeat
        skip('m2', 'm3', ['t']), // a tanh block: a different structure, not in the repeat
        skip('m3', 'c1', [], 'concat'),
        skip('m3', 'c2', ['c1', 'u'], 'concat'), // same fork as the previous concat: a fan
      ],
    };
    expect(findSkipGroups(input, placeArcs(input))).toEqual([
      { kind: 'repeat', skips: [0, 1], start: 0, end: 4 },
      { kind: 'fan', skips: [3, 4], start: 6, end: 9 },
    ]);
  });
});

describe('inspect --svg and --html', () => {
  it.each(['densenet-block.json', 'unet-2level-crop.json', 'se-residual-block.json', 'transformer-pre-ln.json'])('%s: one arc per skip, legend in the SVG', async (file) => {
    const svg = path.join(tmp, `${file}.svg`);
    const html = path.join(tmp, `${file}.html`);
    const r = await runCli(['inspect', path.join('examples', file), '--svg', svg, '--html', html], root);
    expect(r.code).toBe(0);
    const { skips } = await inspectJson(path.join('examples', file));
    const text = fs.readFileSync(svg, 'utf8');
    expect(text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(text.match(/<path class="arc /g)).toHaveLength(skips.length);
    expect(text).toContain(`data-skips="${skips.length}"`);
    for (const s of skips) expect(text).toContain(`class="arc arc-${s.category}"`);
    expect(text).toContain('Every residual is a skip');
    const page = fs.readFileSync(html, 'utf8');
    expect(page).toContain("default-src 'none'");
    expect(page).not.toMatch(/<(link|img|script)[^>]+(src|href)=/);
  });

  it('an empty --html is a usage error', async () => {
    const r = await runCli(['inspect', 'examples/densenet-block.json', '--html', ' '], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--html needs a file name/);
  });
});

// ResNet-50 and DenseNet-121 topologies come from Debian's torchvision at test time (nothing large is committed).
const PYTHON = '/usr/bin/python3';
const torchMissing = (() => {
  const r = spawnSync(PYTHON, ['-c', 'import torch, torchvision, onnx'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `${PYTHON} cannot import torch, torchvision and onnx (Debian: apt-get install python3-torch python3-torchvision python3-onnx)`;
})();
const why = chromiumUnavailable() ?? torchMissing;
if (why !== undefined) console.warn(`skipping the skip map screenshot tests: ${why}`);

(why === undefined ? describe : describe.skip)(`skip map in headless Chromium${why ? ` (skipped: ${why})` : ''}`, () => {
  const models = path.join(tmp, 'models');
  beforeAll(() => {
    const r = spawnSync(PYTHON, [path.join(root, 'tools/fixtures/make_skipmap_models.py'), models], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`make_skipmap_models.py failed: ${r.stderr}`);
  }, 120_000);

  // ResNet-50 also with the signal and gradient charts (DenseNet's concats have neither).
  // Collapsed, ResNet-50 keeps its 4 projection blocks and shows one arc for the identity blocks of
  // each stage (2, 3, 5, 2); DenseNet-121 shows one fan per dense block.
  it.each<[string, number, string[], number, { groups: number; arcs: number }]>([
    ['resnet50_narrow', 16, ['--seeded', '--gradients'], 3, { groups: 4, arcs: 4 }],
    ['densenet121_narrow', 58, [], 0, { groups: 4, arcs: 0 }],
  ])(
    '%s: non-blank, one drawn arc per skip, click shows details',
    async (name, expectedSkips, extra, chartLines, collapsed) => {
      const model = path.join(models, name, 'model.onnx');
      const html = path.join(tmp, `${name}.html`);
      const png = path.join(tmp, `${name}.png`);
      expect((await runCli(['inspect', model, '--html', html, ...extra], root)).code).toBe(0);
      const { skips } = await inspectJson(model);
      expect(skips).toHaveLength(expectedSkips);
      const seen = await withHtmlPage(html, async ({ page, externalRequests, consoleErrors }) => {
        // Every arc is in the DOM and has a drawn extent on the page.
        const boxes = await page.$$eval('svg.skip-map path.arc', (paths) =>
          paths.map((p) => {
            const b = (p as SVGGraphicsElement).getBoundingClientRect();
            return { skip: p.getAttribute('data-skip'), width: b.width, height: b.height };
          }),
        );
        await page.locator('svg.skip-map path.arc').last().dispatchEvent('click');
        const details = (await page.locator('#details').innerText()).trim();
        const rows = await page.locator('tr.skip').count();
        const lines = await page.locator('svg.depth-chart polyline.series').count();
        // Collapsed: one arc per group, the grouped arcs hidden.
        await page.locator('#collapse').check();
        const visible = (selector: string) => page.$$eval(selector, (els) => els.filter((e) => getComputedStyle(e).display !== 'none').length);
        const collapsed = { groups: await visible('svg.skip-map g.group'), arcs: await visible('svg.skip-map path.arc') };
        const shot = await page.screenshot({ path: png });
        // Non-blank: a screenshot of a white page compresses to a few kilobytes.
        return { boxes, details, rows, lines, collapsed, shot, externalRequests, consoleErrors };
      });
      expect(seen.boxes).toHaveLength(skips.length);
      expect(new Set(seen.boxes.map((b) => b.skip)).size).toBe(skips.length);
      for (const b of seen.boxes) expect(b.width * b.height).toBeGreaterThan(0);
      expect(seen.rows).toBe(skips.length);
      expect(seen.lines).toBe(chartLines);
      expect(seen.collapsed).toEqual(collapsed);
      if (chartLines > 0) expect(seen.details).toMatch(/gradient fork\s+\d/);
      expect(seen.shot.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(seen.shot.length).toBeGreaterThan(30_000);
      expect(seen.externalRequests).toEqual([]);
      expect(seen.consoleErrors).toEqual([]);
      expect(seen.details).toMatch(/body params\s+\d+/);
      expect(seen.details).toMatch(/merge output bytes\s+\d+/);
    },
    90_000,
  );
});
