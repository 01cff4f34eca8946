/**
 * Graph algorithms on long chains: the validator's topological sort, skip analysis and shape
 * inference give the right answers on 20k-node graphs in file order and reversed, without
 * recursion. (How fast is measured by `npm run bench -- --only chains`, not here.)
 */
import { findSkips } from '../src/graph/skips';
import { validateGraph } from '../src/graph/validate';
import type { Graph, NodeSpec } from '../src/graph/types';

const N = 20_000;

/** x -> [relu -> residual(prev, relu)] * blocks: every block is an identity-shortcut residual of span 1. */
function residualChain(blocks: number, reversed: boolean): Graph {
  const nodes: NodeSpec[] = [];
  let prev = 'x';
  for (let i = 0; i < blocks; i++) {
    nodes.push({ name: `f${i}`, op: 'relu', inputs: [prev], outputs: [`h${i}`] });
    nodes.push({ name: `m${i}`, op: 'residual', inputs: [prev, `h${i}`], outputs: [`y${i}`] });
    prev = `y${i}`;
  }
  if (reversed) nodes.reverse();
  return { format: 'skipconn.graph', version: 1, inputs: [{ name: 'x', dtype: 'float32', shape: [1, 4], layout: 'NC' }], weights: [], nodes, outputs: [prev] };
}

it.each([false, true])('a %s-reversed 20k-node chain validates in dependency order', (reversed) => {
  const vg = validateGraph(residualChain(N / 2, reversed));
  expect(vg.nodes).toHaveLength(N);
  const defined = new Set(['x']);
  for (const n of vg.nodes) {
    for (const i of n.spec.inputs) expect(defined.has(i)).toBe(true);
    n.spec.outputs.forEach((o) => defined.add(o));
  }
  // Ready nodes are taken in file order, so a reversed file still yields f0, m0, f1, ...
  expect(vg.nodes.slice(0, 4).map((n) => n.spec.name)).toEqual(['f0', 'm0', 'f1', 'm1']);
  expect(vg.values.get(`y${N / 2 - 1}`)!.shape).toEqual([1, 4]);
});

it('skip analysis of 10k residual blocks finds each one with its own fork and span 1', () => {
  const skips = findSkips(validateGraph(residualChain(N / 2, false)));
  expect(skips).toHaveLength(N / 2);
  expect(skips[0]).toMatchObject({ kind: 'residual', merge: 'm0', from: 'x', to: 'y0', span: 1, bypassed: ['f0'], shortcut: [] });
  const last = skips[N / 2 - 1]!;
  expect(last).toMatchObject({ merge: `m${N / 2 - 1}`, from: `y${N / 2 - 2}`, span: 1, bypassed: [`f${N / 2 - 1}`] });
});

it('a merge that bypasses a whole 20k-node chain has that span', () => {
  const nodes: NodeSpec[] = [];
  for (let i = 0; i < N; i++) nodes.push({ name: `r${i}`, op: 'relu', inputs: [i === 0 ? 'x' : `v${i - 1}`], outputs: [`v${i}`] });
  nodes.push({ name: 'skip', op: 'residual', inputs: ['x', `v${N - 1}`], outputs: ['y'] });
  const skips = findSkips(validateGraph({ format: 'skipconn.graph', version: 1, inputs: [{ name: 'x', dtype: 'float32', shape: [1, 4], layout: 'NC' }], weights: [], nodes, outputs: ['y'] }));
  expect(skips).toHaveLength(1);
  expect(skips[0]).toMatchObject({ from: 'x', span: N });
  expect(skips[0]!.bypassed).toHaveLength(N);
});

it('a cycle is reported with a short list of the nodes on it', () => {
  const g = residualChain(100, false);
  const nodes = g.nodes.map((n) => (n.name === 'f0' ? { ...n, inputs: ['y99'] } : n));
  expect(() => validateGraph({ ...g, nodes })).toThrow(/the graph has a cycle: expected a directed acyclic graph, received a cycle through 'f0', .* and 190 more nodes/);
});
