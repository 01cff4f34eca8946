/** Graph IR: validation errors, JSON round trip, topological order, skip analysis. */
import { FileFormatError, GraphBuilder, GraphError, findSkips, parseGraphJson, serializeGraph, tensor, validateGraph, weightsFromGraph, evaluateGraph, type Graph } from '../src';

const base = (nodes: Graph['nodes'], extra: Partial<Graph> = {}): Graph => ({
  format: 'skipconn.graph',
  version: 1,
  inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3], layout: 'NC' }],
  outputs: ['y'],
  weights: [],
  nodes,
  ...extra,
});

describe('validateGraph', () => {
  it('orders nodes topologically whatever the file order', () => {
    const g = base([
      { name: 'second', op: 'relu', inputs: ['a'], outputs: ['y'] },
      { name: 'first', op: 'sigmoid', inputs: ['x'], outputs: ['a'] },
    ]);
    expect(validateGraph(g).nodes.map((n) => n.spec.name)).toEqual(['first', 'second']);
  });

  it.each<[string, Graph, RegExp]>([
    ['wrong format', { ...base([]), format: 'other' as 'skipconn.graph' }, /not a skipconn graph: expected format "skipconn.graph", received "other"/],
    ['wrong version', { ...base([]), version: 2 as 1 }, /unsupported graph version: expected version 1, received 2/],
    ['unknown op', base([{ name: 'n', op: 'conv3d', inputs: ['x'], outputs: ['y'] }]), /node 'n' \(conv3d\): unknown op 'conv3d': expected one of residual, concat/],
    ['undefined input', base([{ name: 'n', op: 'relu', inputs: ['nope'], outputs: ['y'] }]), /node 'n' \(relu\): input 'nope' is not defined/],
    [
      'cycle',
      base([
        { name: 'a', op: 'add', inputs: ['x', 'q'], outputs: ['p'] },
        { name: 'b', op: 'relu', inputs: ['p'], outputs: ['q'] },
        { name: 'c', op: 'relu', inputs: ['x'], outputs: ['y'] },
      ]),
      /the graph has a cycle/,
    ],
    ['duplicate value', base([{ name: 'n', op: 'relu', inputs: ['x'], outputs: ['x'] }]), /output 'x' is already defined/],
    [
      'duplicate node',
      base([
        { name: 'n', op: 'relu', inputs: ['x'], outputs: ['a'] },
        { name: 'n', op: 'relu', inputs: ['a'], outputs: ['y'] },
      ]),
      /node name 'n' is used twice/,
    ],
    ['missing output', base([{ name: 'n', op: 'relu', inputs: ['x'], outputs: ['z'] }]), /graph output 'y' is not defined/],
    ['arity', base([{ name: 'n', op: 'relu', inputs: ['x', 'x'], outputs: ['y'] }]), /node 'n' \(relu\): wrong number of inputs: expected 1 \(x\), received 2/],
    [
      'bad layout rank',
      { ...base([{ name: 'n', op: 'relu', inputs: ['x'], outputs: ['y'] }]), inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3], layout: 'NCHW' }] },
      /input 'x' does not fit its layout: expected rank 4 for NCHW, received \[2,3\]/,
    ],
    ['bad dtype', { ...base([]), inputs: [{ name: 'x', dtype: 'float8' as 'float32', shape: [1] }] }, /unknown dtype/],
    [
      'inline weight length',
      base([{ name: 'n', op: 'add', inputs: ['x', 'w'], outputs: ['y'] }], { weights: [{ name: 'w', dtype: 'float32', shape: [3], data: [1, 2] }] }),
      /weight 'w' has inline data of the wrong length: expected 3 values for \[3\], received 2 values/,
    ],
  ])('%s', (_name, graph, message) => {
    expect(() => validateGraph(graph)).toThrow(GraphError);
    expect(() => validateGraph(graph)).toThrow(message);
  });
});

describe('graph JSON', () => {
  it('round-trips JSON -> graph -> JSON identically, including NaN, Inf and -0 weights', () => {
    const b = new GraphBuilder('roundtrip');
    const x = b.input('x', [1, 4], { layout: 'NC' });
    const w = b.weight('w', tensor('float32', [4], [NaN, Infinity, -Infinity, -0]));
    b.output(b.node('residual', [x, b.node('mul', [x, w])], { activation: 'relu' }, 'merge'));
    const text = serializeGraph(b.build().graph);
    const again = serializeGraph(parseGraphJson(text));
    expect(again).toBe(text);
    const weights = weightsFromGraph(parseGraphJson(text));
    const data = Array.from(weights.get('w')!.data as Float32Array);
    expect(data[0]).toBeNaN();
    expect(data.slice(1, 3)).toEqual([Infinity, -Infinity]);
    expect(Object.is(data[3], -0)).toBe(true);
  });

  it('names the file and byte offset of a syntax error, and calls a cut file truncated', () => {
    expect(() => parseGraphJson('{"format": "skipconn.graph", "ver', 'g.json')).toThrow(FileFormatError);
    expect(() => parseGraphJson('{"format": "skipconn.graph", "ver', 'g.json')).toThrow(/g\.json.*truncated/);
    expect(() => parseGraphJson('{"format": "skipconn.graph", "ver\n', 'g.json')).toThrow(/g\.json at byte 33: JSON ends early/);
    expect(() => parseGraphJson('{"format": x}', 'g.json')).toThrow(/g\.json at byte 11: invalid JSON/);
    expect(() => parseGraphJson('{"a": [1, 2,, 3]}', 'g.json')).toThrow(/at byte 12: invalid JSON/);
    expect(() => parseGraphJson('{"é": tru}', 'g.json')).toThrow(/at byte 10: invalid JSON/); // '{' '"' 'é'(2 bytes) '"' ':' ' ' 't' 'r' 'u' -> the '}' is byte 10
    expect(() => parseGraphJson('[1]', 'g.json')).toThrow(/expected a JSON object.*received an array/);
  });

  it('refuses non-numeric inline values and missing external weights', () => {
    const g = base([], { weights: [{ name: 'w', dtype: 'float32', shape: [1], data: ['one'] }] });
    expect(() => weightsFromGraph(g)).toThrow(/weight 'w' value 0: expected a number or one of "NaN"/);
    const h = base([], { weights: [{ name: 'w', dtype: 'float32', shape: [1] }] });
    expect(() => weightsFromGraph(h)).toThrow(/weight 'w' has no inline data and the graph names no weightsFile/);
  });
});

describe('evaluateGraph feeds', () => {
  const b = new GraphBuilder();
  b.output(b.node('relu', [b.input('x', [2])]));
  const { validated, weights } = b.build();
  it('names expected and received on a wrong feed', () => {
    expect(() => evaluateGraph(validated, weights, {})).toThrow(/input 'x' is missing: expected float32 \[2\]/);
    expect(() => evaluateGraph(validated, weights, { x: tensor('float32', [3]) })).toThrow(/input 'x': expected float32 \[2\], received float32 \[3\]/);
    expect(() => evaluateGraph(validated, weights, { x: tensor('float32', [2]), z: tensor('float32', [2]) })).toThrow(/'z' is not a graph input/);
  });
});

describe('findSkips', () => {
  it('finds an identity shortcut, its fork, span and bypassed nodes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4], { layout: 'NC' });
    const a = b.node('relu', [x], {}, 'f1');
    const c = b.node('sigmoid', [a], {}, 'f2');
    b.output(b.node('residual', [x, c], {}, 'add'));
    const [skip, ...rest] = findSkips(b.build().validated);
    expect(rest).toEqual([]);
    expect(skip).toMatchObject({ kind: 'residual', merge: 'add', from: 'x', to: 'add', span: 2, bypassed: ['f1', 'f2'], shortcut: [], detail: 'identity shortcut' });
  });

  it('finds a projection shortcut and lists its nodes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4], { layout: 'NC' });
    const stem = b.node('relu', [x], {}, 'stem');
    const body = b.node('tanh', [b.node('sigmoid', [stem], {}, 'b1')], {}, 'b2');
    const proj = b.node('mul', [stem, b.weight('s', tensor('float32', [4], [1, 2, 3, 4]))], {}, 'proj');
    b.output(b.node('residual', [proj, body], { activation: 'relu' }, 'add'));
    const [skip] = findSkips(b.build().validated);
    expect(skip).toMatchObject({ from: 'stem', span: 2, shortcut: ['proj'], detail: 'projection shortcut (proj), relu' });
    expect([...skip!.bypassed].sort()).toEqual(['b1', 'b2', 'proj']);
  });

  it('finds dense-block concats forking from the block input', () => {
    const b = new GraphBuilder();
    const x0 = b.input('x0', [1, 2], { layout: 'NC' });
    const x1 = b.node('relu', [x0], {}, 'l1');
    const c1 = b.node('concat', [x0, x1], {}, 'cat1');
    const x2 = b.node('sigmoid', [c1], {}, 'l2');
    b.output(b.node('concat', [x0, x1, x2], {}, 'cat2'));
    const skips = findSkips(b.build().validated);
    expect(skips.map((s) => [s.merge, s.kind, s.from, s.span])).toEqual([
      ['cat1', 'concat', 'x0', 1],
      ['cat2', 'concat', 'x0', 3],
    ]);
  });

  it('ignores merges of independent inputs and shared weights', () => {
    const b = new GraphBuilder();
    const w = b.weight('w', tensor('float32', [2], [1, 1]));
    const a = b.node('mul', [b.input('a', [2]), w]);
    const c = b.node('mul', [b.input('c', [2]), w]);
    b.output(b.node('residual', [a, c]));
    expect(findSkips(b.build().validated)).toEqual([]);
  });
});
