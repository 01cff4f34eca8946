/**
 * Recognizes skip connections in an imported graph and turns them into merge nodes, so that
 * findSkips, the inspect table and the fused kernels of adapters see them:
 *   add(a, b), equal shapes, a and b fork from one value        -> residual (identity or
 *     projection shortcut); a following relu that is the add's only reader becomes its activation
 *   add(mul(sigmoid(t), h), mul(sub(1, sigmoid(t)), x))          -> highway (coupled carry)
 *   add(mul(sigmoid(t), h), mul(sigmoid(c), x))                  -> highway (separate carry)
 *   mul(x, g), g computed from x and broadcast over named axes   -> gate (SE: g [N, C, 1, 1])
 *   concat(a, b1, b2, c), b1 and b2 branches of one fork of their own -> concat(a, concat(b1, b2), c)
 *     (torch.onnx flattens nested torch.cat; the inner concats are skips of their own)
 * Rewrites never change the numbers: each merge computes exactly the ops it replaces.
 * (ONNX Concat already imports as the IR's concat merge.)
 */
import { IndexHeap, channelAxis, resolveAxisName, shapesEqual, sizeOf, toFloat64, type AxisName, type ValueInfo } from '@skipconn/core';
import type { DraftNode, ImportContext } from './context';

interface Graph {
  readonly ctx: ImportContext;
  readonly outputs: ReadonlySet<string>;
  consumers: Map<string, DraftNode[]>;
  /** Every value's place in topological order (inputs and weights first, then node outputs). */
  readonly ids: ReadonlyMap<string, number>;
}

function consumersOf(nodes: readonly DraftNode[]): Map<string, DraftNode[]> {
  const m = new Map<string, DraftNode[]>();
  for (const n of nodes) {
    for (const i of new Set(n.inputs)) {
      const list = m.get(i);
      if (list === undefined) m.set(i, [n]);
      else list.push(n);
    }
  }
  return m;
}

function valueIds(ctx: ImportContext): Map<string, number> {
  const ids = new Map<string, number>();
  for (const i of ctx.inputs) ids.set(i.name, ids.size);
  for (const w of ctx.weights.keys()) ids.set(w, ids.size);
  for (const n of ctx.nodes) for (const o of n.outputs) ids.set(o, ids.size);
  return ids;
}

/** True when `value` depends on `target` (weights are not paths); searches only values after `target`. */
function dependsOn(g: Graph, value: string, target: string): boolean {
  const floor = g.ids.get(target);
  if (floor === undefined) return false;
  const seen = new Set<string>();
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v === target) return true;
    const id = g.ids.get(v);
    if (seen.has(v) || id === undefined || id < floor || g.ctx.weights.has(v)) continue;
    seen.add(v);
    const p = g.ctx.producers.get(v);
    if (p !== undefined) stack.push(...p.inputs);
  }
  return false;
}

/**
 * The latest value that both a and b depend on (themselves included; weights are not paths),
 * with how many later values reach only a and only b. Searches backwards latest first, so it
 * stops at the fork and covers only the two branches (see findSkips in core for the argument).
 */
function forkOf(g: Graph, a: string, b: string): { fork: string; onlyA: number; onlyB: number } | undefined {
  const pending = new Map<string, number>();
  const byId = new Map<number, string>();
  const heap = new IndexHeap(); // -id: the latest value first
  const add = (v: string, mask: number): void => {
    if (g.ctx.weights.has(v)) return;
    const prior = pending.get(v);
    if (prior !== undefined) {
      pending.set(v, prior | mask);
      return;
    }
    const id = g.ids.get(v);
    if (id === undefined) return;
    pending.set(v, mask);
    byId.set(id, v);
    heap.push(-id);
  };
  add(a, 1);
  add(b, 2);
  let onlyA = 0;
  let onlyB = 0;
  while (heap.size > 0) {
    const v = byId.get(-heap.pop())!;
    const mask = pending.get(v)!;
    if (mask === 3) return { fork: v, onlyA, onlyB };
    if (mask === 1) onlyA++;
    else onlyB++;
    const p = g.ctx.producers.get(v);
    if (p !== undefined) for (const i of p.inputs) add(i, mask);
  }
  return undefined;
}

function isFloat(info: ValueInfo): boolean {
  return info.dtype === 'float32' || info.dtype === 'float16' || info.dtype === 'float64';
}

/** The producer of v when it is an `op` node whose output nobody else reads. */
function privateProducer(g: Graph, v: string, op: string): DraftNode | undefined {
  const p = g.ctx.producers.get(v);
  if (p === undefined || p.op !== op || g.outputs.has(v) || (g.consumers.get(v)?.length ?? 0) !== 1) return undefined;
  return p;
}

function isOnes(ctx: ImportContext, v: string): boolean {
  const w = ctx.weights.get(v);
  return w !== undefined && toFloat64(w).every((x) => x === 1);
}

function tryHighway(g: Graph, add: DraftNode): boolean {
  const { ctx } = g;
  const [p, q] = add.inputs as [string, string];
  const out = ctx.info(add.outputs[0]!);
  for (const [tm, cm] of [
    [p, q],
    [q, p],
  ] as const) {
    const tMul = privateProducer(g, tm, 'mul');
    const cMul = privateProducer(g, cm, 'mul');
    if (tMul === undefined || cMul === undefined) continue;
    for (const [tIdx, cIdx] of [
      [0, 1],
      [1, 0],
      [0, 0],
      [1, 1],
    ] as const) {
      const t = tMul.inputs[tIdx]!;
      const h = tMul.inputs[1 - tIdx]!;
      const c = cMul.inputs[cIdx]!;
      const x = cMul.inputs[1 - cIdx]!;
      const tSig = ctx.producers.get(t);
      if (tSig?.op !== 'sigmoid') continue;
      const cNode = ctx.producers.get(c);
      let carry: 'coupled' | 'separate';
      let inputs: string[];
      if (cNode?.op === 'sub' && cNode.inputs[1] === t && isOnes(ctx, cNode.inputs[0]!)) {
        carry = 'coupled';
        inputs = [x, h, tSig.inputs[0]!];
      } else if (cNode?.op === 'sigmoid') {
        carry = 'separate';
        inputs = [x, h, tSig.inputs[0]!, cNode.inputs[0]!];
      } else continue;
      if (!inputs.every((v) => shapesEqual(ctx.info(v).shape, out.shape) && ctx.info(v).dtype === out.dtype)) continue;
      if (forkOf(g, x, h) === undefined) continue;
      add.op = 'highway';
      add.inputs = inputs;
      add.attrs = { carry };
      return true;
    }
  }
  return false;
}

function tryResidual(g: Graph, add: DraftNode, removed: Set<DraftNode>): boolean {
  const { ctx } = g;
  const [a, b] = add.inputs as [string, string];
  if (a === b) return false;
  const [ia, ib] = [ctx.info(a), ctx.info(b)];
  if (!shapesEqual(ia.shape, ib.shape) || !isFloat(ia) || ia.dtype !== ib.dtype) return false;
  if (ia.layout !== undefined && ib.layout !== undefined && ia.layout !== ib.layout) return false;
  const fork = forkOf(g, a, b);
  if (fork === undefined) return false;
  // The shortcut is the path that bypasses more: the fork itself (identity), else the shorter
  // branch (fewer values between the fork and the add).
  const shortcutFirst = fork.fork === a ? true : fork.fork === b ? false : fork.onlyA <= fork.onlyB;
  add.op = 'residual';
  add.inputs = shortcutFirst ? [a, b] : [b, a];
  add.attrs = {};
  learnedBeta(g, add);
  // Fuse a post-add relu (ResNet v1) when nothing else reads the sum.
  const out = add.outputs[0]!;
  const readers = g.consumers.get(out) ?? [];
  const relu = readers[0];
  if (readers.length === 1 && relu !== undefined && relu.op === 'relu' && !g.outputs.has(out)) {
    add.attrs = { ...add.attrs, activation: 'relu' };
    add.outputs = [...relu.outputs];
    ctx.producers.set(relu.outputs[0]!, add);
    removed.add(relu);
  }
  return true;
}

/**
 * A body that ends in a multiplication by a learned weight, a scalar (ReZero) or one value per
 * channel (LayerScale, CaiT/ConvNeXt), moves that weight into the residual's learned beta.
 * The numbers do not change: the residual multiplies the body by beta exactly as the mul did.
 */
function learnedBeta(g: Graph, residual: DraftNode): void {
  const { ctx } = g;
  const [shortcut, body] = residual.inputs as [string, string];
  const mul = privateProducer(g, body, 'mul');
  if (mul === undefined) return;
  for (const [data, scale] of [
    [mul.inputs[0]!, mul.inputs[1]!],
    [mul.inputs[1]!, mul.inputs[0]!],
  ] as const) {
    const w = ctx.weights.get(scale);
    const info = ctx.info(data);
    if (w === undefined || ctx.weights.has(data) || !shapesEqual(info.shape, ctx.info(body).shape)) continue;
    const n = sizeOf(w.shape);
    if (n === 1) {
      residual.inputs = [shortcut, data, ctx.addWeight(`${scale}__beta`, { ...w, shape: [] })];
    } else {
      if (info.layout === undefined) continue;
      const c = channelAxis(info.layout);
      const padded = [...Array(Math.max(0, info.shape.length - w.shape.length)).fill(1), ...w.shape] as number[];
      if (padded.length !== info.shape.length || n !== info.shape[c] || padded[c] !== n) continue;
      residual.inputs = [shortcut, data, ctx.addWeight(`${scale}__beta`, { ...w, shape: [n] })];
    }
    residual.attrs = { beta: 'learned' };
    return;
  }
}

const AXIS_NAMES: readonly AxisName[] = ['batch', 'channels', 'spatial', 'tokens'];

function tryGate(g: Graph, mul: DraftNode): boolean {
  const { ctx } = g;
  const out = ctx.info(mul.outputs[0]!);
  for (const [x, gv] of [
    [mul.inputs[0]!, mul.inputs[1]!],
    [mul.inputs[1]!, mul.inputs[0]!],
  ] as const) {
    const xi = ctx.info(x);
    const gi = ctx.info(gv);
    if (!shapesEqual(xi.shape, out.shape) || gi.shape.length !== xi.shape.length || !isFloat(xi) || ctx.weights.has(gv)) continue;
    if (!dependsOn(g, gv, x)) continue;
    const axes = xi.shape.map((d, i) => i).filter((i) => gi.shape[i] === 1 && xi.shape[i] !== 1);
    if (axes.length === 0) {
      // Same shapes: a gate only when g is an explicit sigmoid gating (GLU-style), not any product.
      if (ctx.producers.get(gv)?.op !== 'sigmoid') continue;
      mul.op = 'gate';
      mul.inputs = [x, gv];
      mul.attrs = {};
      return true;
    }
    if (xi.layout === undefined) continue;
    const names: AxisName[] = [];
    const covered = new Set<number>();
    for (const name of AXIS_NAMES) {
      const named = resolveAxisName(xi.layout, name);
      if (named.length > 0 && named.every((a) => axes.includes(a))) {
        names.push(name);
        named.forEach((a) => covered.add(a));
      }
    }
    if (covered.size !== axes.length) continue;
    // Only the sizes-1 axes may broadcast; every other g axis must equal x's.
    if (!gi.shape.every((d, i) => (covered.has(i) ? d === 1 : d === xi.shape[i]))) continue;
    mul.op = 'gate';
    mul.inputs = [x, gv];
    mul.attrs = { broadcast: names };
    return true;
  }
  return false;
}

/** Rewrites ctx.nodes in place. `outputs`: IR graph output names (never fused away). */
/**
 * Where the branch that ends in `v` starts: walking up through nodes with one data input and
 * values with one reader, the first value that something else reads too (possibly `v` itself).
 * Undefined when the walk reaches a graph input or a node that joins several data inputs.
 */
function branchFork(g: Graph, v: string): string | undefined {
  let current = v;
  for (;;) {
    const readers = (g.consumers.get(current)?.length ?? 0) + (g.outputs.has(current) ? 1 : 0);
    if (readers > 1) return current;
    const producer = g.ctx.producers.get(current);
    if (producer === undefined) return undefined;
    const data = producer.inputs.filter((i) => !g.ctx.weights.has(i));
    if (data.length !== 1) return undefined;
    current = data[0]!;
  }
}

/**
 * torch.onnx flattens nested torch.cat calls into one Concat: InceptionV3's E block,
 * cat([b1, cat([b3a, b3b]), cat([d3a, d3b]), pool]), arrives as a 6-input Concat. A run of
 * adjacent inputs whose branches start at one fork that no other input of the concat starts at
 * was an inner cat of that fork's branches; it becomes an inner concat again, so that findSkips
 * lists each concat skip the model has. Joining in two steps copies the same values to the same
 * places, so the numbers do not change.
 */
function nestConcat(g: Graph, concat: DraftNode): void {
  const crop = concat.attrs['crop'];
  if (crop !== undefined && crop !== 'none') return;
  const forks = concat.inputs.map((v) => branchFork(g, v));
  const inputs: string[] = [];
  for (let i = 0; i < concat.inputs.length;) {
    const fork = forks[i];
    let end = i + 1;
    while (end < forks.length && fork !== undefined && forks[end] === fork) end++;
    const elsewhere = forks.some((f, k) => f === fork && (k < i || k >= end));
    if (fork !== undefined && end - i >= 2 && end - i < forks.length && !elsewhere) {
      const inner = g.ctx.emit('concat', concat.inputs.slice(i, end), {}, `${concat.name}/${inputs.length}`);
      // emit appends; the inner concat must run before the outer one.
      const node = g.ctx.nodes.pop()!;
      g.ctx.nodes.splice(g.ctx.nodes.indexOf(concat), 0, node);
      inputs.push(inner);
    } else {
      inputs.push(...concat.inputs.slice(i, end));
    }
    i = end;
  }
  concat.inputs = inputs;
}

export function recognizeSkips(ctx: ImportContext, outputs: ReadonlySet<string>): void {
  // Nesting keeps every value's reader count (an inner concat takes over readers of the outer
  // one), so one consumer map serves all concats.
  const before: Graph = { ctx, outputs, consumers: consumersOf(ctx.nodes), ids: valueIds(ctx) };
  for (const node of [...ctx.nodes]) if (node.op === 'concat' && node.inputs.length > 2) nestConcat(before, node);
  const g: Graph = { ctx, outputs, consumers: consumersOf(ctx.nodes), ids: valueIds(ctx) };
  const removed = new Set<DraftNode>();
  // Highways first: their muls would otherwise read as gates and their add as a residual.
  for (const node of ctx.nodes) if (node.op === 'add') tryHighway(g, node);
  for (const node of ctx.nodes) if (node.op === 'mul') tryGate(g, node);
  for (const node of ctx.nodes) if (node.op === 'add' && !removed.has(node)) tryResidual(g, node, removed);
  if (removed.size > 0) {
    const kept = ctx.nodes.filter((n) => !removed.has(n));
    ctx.nodes.length = 0;
    ctx.nodes.push(...kept);
  }
}

/** Removes nodes whose outputs nobody reads and weights nobody uses. */
export function removeDeadNodes(ctx: ImportContext, outputs: ReadonlySet<string>): void {
  const live = new Set(outputs);
  const kept: DraftNode[] = [];
  for (let i = ctx.nodes.length - 1; i >= 0; i--) {
    const n = ctx.nodes[i]!;
    if (n.outputs.some((o) => live.has(o))) {
      kept.push(n);
      n.inputs.forEach((v) => live.add(v));
    }
  }
  kept.reverse();
  ctx.nodes.length = 0;
  ctx.nodes.push(...kept);
  for (const w of [...ctx.weights.keys()]) if (!live.has(w)) ctx.weights.delete(w);
}
