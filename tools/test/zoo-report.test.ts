import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tensor, validateGraph, type Graph, type HostTensor } from '@skipconn/core';
import { irFingerprint } from '../zoo/fingerprint';
import { TABLE_END, renderIntoDoc, renderMarkdown, replaceTableBlock, sharedCell, type ModelEntry, type ZooReport } from '../zoo/report';

/** x + b, then hardSigmoid: the value and weight names are the caller's, as an exporter's are. */
function graph(names: { x: string; b: string; sum: string; y: string }, alpha: number): Graph {
  return {
    format: 'skipconn.graph',
    version: 1,
    inputs: [{ name: names.x, dtype: 'float32', shape: [1, 4] }],
    outputs: [names.y],
    weights: [{ name: names.b, dtype: 'float32', shape: [1, 4] }],
    nodes: [
      { name: 'first', op: 'add', inputs: [names.x, names.b], outputs: [names.sum] },
      { name: 'second', op: 'hardSigmoid', inputs: [names.sum], outputs: [names.y], attrs: { alpha, beta: 0.5 } },
    ],
  };
}

const bias = (values: number[]): HostTensor => tensor('float32', [1, 4], values);

describe('zoo IR fingerprint', () => {
  const a = { x: 'input', b: 'onnx::Add_12', sum: '/Add_output_0', y: 'output' };
  const b = { x: 'input', b: 'onnx::Add_97', sum: '/blocks/Add_output_0', y: 'out' };
  const fp = (names: typeof a, alpha: number, values: number[]): string => irFingerprint(validateGraph(graph(names, alpha)), new Map([[names.b, bias(values)]]));

  it('is the same for the same computation under other value, weight and node names', () => {
    expect(fp(a, 0.25, [1, 2, 3, 4])).toBe(fp(b, 0.25, [1, 2, 3, 4]));
    expect(fp(a, 0.25, [1, 2, 3, 4])).toMatch(/^[0-9a-f]{16}$/);
  });

  it('differs when one weight byte or one attribute differs', () => {
    const base = fp(a, 0.25, [1, 2, 3, 4]);
    expect(fp(a, 0.25, [1, 2, 3, 4.000001])).not.toBe(base);
    // 1/6 as float32 (an ONNX attribute) against 1/6 as a double (an importer's default): not the same IR.
    expect(fp(a, Math.fround(1 / 6), [1, 2, 3, 4])).not.toBe(fp(a, 1 / 6, [1, 2, 3, 4]));
  });
});

function entry(): ModelEntry {
  return {
    kind: 'classification',
    input: [1, 3, 32, 32],
    params: 1000,
    cells: {
      '13': { import: { status: 'pass', nodes: 41, fingerprint: 'aaaa', machine: 'cpu A' } },
      '17': {
        import: { status: 'pass', nodes: 41, fingerprint: 'aaaa', machine: 'cpu A' },
        reference: { status: 'pass', maxAbs64: 5.8e-7, fingerprint: 'aaaa', machine: 'cpu A' },
        // Recorded before fingerprints: ran on an import of this node count.
        'tfjs:cpu': { status: 'pass', maxAbs64: 3.7e-6, irNodes: 41, machine: 'cpu B' },
        // Ran on an earlier import of 52 nodes: not the IR the opset 13 row has.
        'tfjs:wasm': { status: 'pass', maxAbs64: 2.4e-6, irNodes: 52, machine: 'cpu A' },
        webgpu: { status: 'skipped', message: 'over --max-params', fingerprint: 'aaaa' },
      },
    },
  };
}

describe('zoo report: cells shared between opsets', () => {
  it('shares a cell that ran on the same IR, and only that', () => {
    const e = entry();
    expect(sharedCell(e, '13', 'reference')?.opset).toBe('17');
    expect(sharedCell(e, '13', 'tfjs:cpu')?.cell.maxAbs64).toBe(3.7e-6);
    expect(sharedCell(e, '13', 'tfjs:wasm')).toBeNull();
    expect(sharedCell(e, '13', 'webgpu')).toBeNull();
    expect(sharedCell(e, '17', 'reference')).toBeNull();
    e.cells['13']!['reference'] = { status: 'skipped', message: 'not run in this run' };
    expect(sharedCell(e, '13', 'reference')?.cell.maxAbs64).toBe(5.8e-7);
    e.cells['13']!['import'] = { status: 'pass', nodes: 41, fingerprint: 'bbbb' };
    expect(sharedCell(e, '13', 'reference')).toBeNull();
  });

  it('renders shared cells with their opset and marks the cells of the less frequent machine', () => {
    const report: ZooReport = { machines: { 'cpu A': 'machine A', 'cpu B': 'machine B' }, atol: 1e-4, rtol: 1e-3, adapters: ['reference', 'tfjs:cpu', 'tfjs:wasm'], models: { resnet18: entry() } };
    const md = renderMarkdown(report);
    expect(md).toContain('unmarked: machine A; [B]: machine B');
    expect(md).toContain('| resnet18 | 32x32 | 13 | ok (41 nodes, IR aaaa) |  | ok 5.8e-7 (= opset 17) | ok 3.7e-6 [B] (= opset 17) | – |');
    expect(md).toContain('| resnet18 | 32x32 | 17 | ok (41 nodes, IR aaaa) |  | ok 5.8e-7 | ok 3.7e-6 [B] | ok 2.4e-6 (earlier IR of 52 nodes) |');
  });
});

describe('zoo report: the docs block', () => {
  const doc = ['# Doc', 'before', '<!-- zoo-table:begin (rendered) -->', 'old table', TABLE_END, 'after', ''].join('\n');

  it('replaces only the lines between the markers', () => {
    expect(replaceTableBlock(doc, 'new\ntable\n', 'doc.md')).toBe(['# Doc', 'before', '<!-- zoo-table:begin (rendered) -->', 'new', 'table', TABLE_END, 'after', ''].join('\n'));
  });

  it('names the file and what it found when the markers are missing or out of order', () => {
    expect(() => replaceTableBlock('# no markers\n', 't', 'docs/porting.md')).toThrow(
      "docs/porting.md: expected one '<!-- zoo-table:begin ... -->' line followed by one '<!-- zoo-table:end -->' line; found 0 begin and 0 end markers",
    );
    expect(() => replaceTableBlock(`${TABLE_END}\n<!-- zoo-table:begin -->\n`, 't', 'x.md')).toThrow('found 1 begin and 1 end markers, the end before the begin');
  });

  it('rewrites the file from the report', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zoo-doc-'));
    const file = path.join(dir, 'porting.md');
    fs.writeFileSync(file, doc);
    const report: ZooReport = { machines: { 'cpu A': 'machine A' }, atol: 1e-4, rtol: 1e-3, adapters: ['reference'], models: { resnet18: entry() } };
    renderIntoDoc(report, file);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith('# Doc\nbefore\n<!-- zoo-table:begin (rendered) -->\nRendered from docs/bench/zoo-report.json')).toBe(true);
    expect(text).toContain('| resnet18 | 32x32 | 17 | ok (41 nodes, IR aaaa) |  | ok 5.8e-7 |');
    expect(text.endsWith(`${TABLE_END}\nafter\n`)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['porting.md']);
    fs.rmSync(dir, { recursive: true });
  });
});
