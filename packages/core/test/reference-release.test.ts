/**
 * The reference evaluator's memory plan: a weight is converted to float64 when a node first reads
 * it, and every value is dropped after its last reader, so a large model never holds a float64
 * copy of all of its weights at once. The numbers it computes are unchanged (checked against
 * values worked out by hand).
 */
import { GraphBuilder, evaluateGraph, releasePlan, tensor, type HostTensor } from '../src';

/** y = relu(x + w1) * w2 + w1, with a dead branch (x * w2, read by nothing); `alsoOut` adds r as an output. */
function chain(alsoOut = false) {
  const b = new GraphBuilder('release');
  const x = b.input('x', [1, 4]);
  const w1 = b.weight('w1', tensor('float32', [1, 4], [1, -2, 3, -4]));
  const w2 = b.weight('w2', tensor('float32', [1, 4], [2, 2, 0.5, 0.5]));
  const a = b.node('add', [x, w1], {}, 'a');
  const r = b.node('relu', [a], {}, 'r');
  b.node('mul', [x, w2], {}, 'dead');
  const m = b.node('mul', [r, w2], {}, 'm');
  const y = b.node('add', [m, w1], {}, 'y');
  if (alsoOut) b.output(r, y);
  else b.output(y);
  return b.build();
}

/** A weight store that records, in one list with the nodes run, when each weight is read. */
class RecordingStore extends Map<string, HostTensor> {
  constructor(
    entries: Iterable<readonly [string, HostTensor]>,
    private readonly events: string[],
  ) {
    super(entries);
  }
  override get(name: string): HostTensor | undefined {
    this.events.push(`get ${name}`);
    return super.get(name);
  }
}

describe('reference evaluator memory plan', () => {
  it('drops each value after its last reader and dead outputs at once, never graph outputs', () => {
    const { validated } = chain();
    const order = validated.nodes.map((n) => n.spec.name);
    const plan = Object.fromEntries(validated.nodes.map((n, i) => [n.spec.name, [...releasePlan(validated)[i]!].sort()]));
    expect(order).toEqual(['a', 'r', 'dead', 'm', 'y']);
    expect(plan).toEqual({ a: [], r: ['a'], dead: ['dead', 'x'], m: ['r', 'w2'], y: ['m', 'w1'] });
  });

  it('keeps a value that is a graph output although a later node reads it', () => {
    const { validated, weights } = chain(true);
    const plan = releasePlan(validated);
    expect(plan.flat()).not.toContain('r');
    const out = evaluateGraph(validated, weights, { x: tensor('float32', [1, 4], [0.5, 1, -1, 10]) });
    expect(Array.from(out['r']!.data as Float32Array)).toEqual([1.5, 0, 2, 6]);
    expect(Array.from(out['y']!.data as Float32Array)).toEqual([4, -2, 4, -1]);
  });

  it('reads each weight when a node first needs it, and computes the same values', () => {
    const { validated, weights } = chain();
    const events: string[] = [];
    const store = new RecordingStore(weights, events);
    const x = tensor('float32', [1, 4], [0.5, 1, -1, 10]);
    const out = evaluateGraph(validated, store, { x }, { onNode: (node) => events.push(`run ${node.spec.name}`) });
    // relu(x + w1) = [1.5, 0, 2, 6]; * w2 = [3, 0, 1, 3]; + w1 = [4, -2, 4, -1]
    expect(Array.from(out['y']!.data as Float32Array)).toEqual([4, -2, 4, -1]);
    expect(events).toEqual(['get w1', 'run a', 'run r', 'get w2', 'run dead', 'run m', 'run y']);
  });

  it('still refuses a missing weight before any node runs', () => {
    const { validated, weights } = chain();
    const partial = new Map(weights);
    partial.delete('w2');
    const ran: string[] = [];
    expect(() => evaluateGraph(validated, partial, { x: tensor('float32', [1, 4], [0, 0, 0, 0]) }, { onNode: (n) => ran.push(n.spec.name) })).toThrow("weight 'w2' is missing from the weight store");
    expect(ran).toEqual([]);
  });
  it('returns a graph output that is a weight no node reads, and one that is an input', () => {
    const b = new GraphBuilder('weight-out');
    const x = b.input('x', [2]);
    const w = b.weight('w', tensor('float32', [2], [1, 2]));
    b.output(x, w);
    const { validated, weights } = b.build();
    const out = evaluateGraph(validated, weights, { x: tensor('float32', [2], [3, 4]) });
    expect(Array.from(out['w']!.data as Float32Array)).toEqual([1, 2]);
    expect(Array.from(out['x']!.data as Float32Array)).toEqual([3, 4]);
  });
});
