/**
 * ONNX Einsum -> IR transpose / reshape / matmul, for the equations attention code writes:
 * one operand permuted ('ij->ji'), or two operands contracted over the letters they share and
 * the output lacks ('bhid,bhjd->bhij' in MaxViT's relative attention, 'bij,bjk->bik').
 *
 * Two operands: every letter is a batch letter (in both operands and the output, equal sizes), a
 * free letter of one operand (in it and the output) or a contracted letter (in both operands,
 * not the output). A is permuted to [batch, free A, contracted] and viewed as [batch, I, J], B
 * to [batch, contracted, free B] as [batch, J, K]; one matmul gives [batch, I, K], which is
 * viewed as [batch, free A, free B] and permuted to the output's order. Letters summed inside
 * one operand, repeated letters (diagonals), ellipses and implicit outputs are refused by name.
 */
import { sizeOf } from '@skipconn/core';
import type { NodeProto } from '../../proto/types';
import type { ImportContext } from '../context';
import { input, output, shapeOf, unsupported, type Converter } from './util';

interface Equation {
  readonly operands: string[];
  readonly result: string;
}

function parseEquation(node: NodeProto, equation: string): Equation {
  const text = equation.replace(/\s+/g, '');
  const arrow = text.indexOf('->');
  if (text.includes('...')) unsupported(node, 'Einsum with an ellipsis', 'explicit letters for every axis', equation);
  if (arrow < 0) unsupported(node, 'Einsum without an explicit output', "an equation with '->'", equation);
  const operands = text.slice(0, arrow).split(',');
  const result = text.slice(arrow + 2);
  for (const term of [...operands, result]) {
    if (!/^[A-Za-z]*$/.test(term)) unsupported(node, 'Einsum term', 'letters only', `'${term}' in '${equation}'`);
    if (new Set(term).size !== term.length) unsupported(node, 'Einsum with a repeated letter in one term (a diagonal)', 'each letter once per term', `'${term}' in '${equation}'`);
  }
  return { operands, result };
}

function permutation(from: string, to: string): number[] {
  return [...to].map((letter) => from.indexOf(letter));
}

const isIdentity = (perm: readonly number[]): boolean => perm.every((p, i) => p === i);

/** Emits a transpose unless `perm` keeps the order. */
function permute(ctx: ImportContext, node: NodeProto, x: string, perm: readonly number[], out?: string): string {
  return isIdentity(perm) ? x : ctx.emit('transpose', [x], { perm: [...perm] }, node, out);
}

/** Emits a reshape unless the shape is already `shape`. */
function view(ctx: ImportContext, node: NodeProto, x: string, shape: readonly number[], out?: string): string {
  const now = ctx.info(x).shape;
  return now.length === shape.length && now.every((d, i) => d === shape[i]) ? x : ctx.emit('reshape', [x], { shape: [...shape] }, node, out);
}

export const Einsum: Converter = (node, ctx) => {
  const equation = ctx.attrs(node).string('equation', '');
  const { operands, result } = parseEquation(node, equation);
  if (operands.length !== node.input.length) unsupported(node, 'Einsum operand count', `${operands.length} inputs for '${equation}'`, String(node.input.length));
  const shapes = operands.map((term, i) => {
    const shape = shapeOf(ctx, node, i);
    if (shape.length !== term.length) unsupported(node, `Einsum operand ${i} rank`, `rank ${term.length} for '${term}'`, `[${shape.join(',')}]`);
    return shape;
  });
  const size = new Map<string, number>();
  operands.forEach((term, i) =>
    [...term].forEach((letter, a) => {
      const d = shapes[i]![a]!;
      if (size.has(letter) && size.get(letter) !== d) unsupported(node, `Einsum letter '${letter}' with two sizes`, 'equal sizes (no broadcasting)', `${size.get(letter)} and ${d}`);
      size.set(letter, d);
    }),
  );
  for (const letter of result) if (!size.has(letter)) unsupported(node, `Einsum output letter '${letter}'`, 'a letter of an operand', equation);

  if (operands.length === 1) {
    const term = operands[0]!;
    if (term.length !== result.length) unsupported(node, 'Einsum summing over a letter of one operand', 'a permutation of the operand', equation);
    const x = input(ctx, node, 0);
    const perm = permutation(term, result);
    ctx.bind(output(node), isIdentity(perm) ? x : ctx.emit('transpose', [x], { perm }, node, output(node)));
    return;
  }
  if (operands.length !== 2) unsupported(node, 'Einsum operand count', '1 or 2 operands', String(operands.length));

  const [a, b] = operands as [string, string];
  const inA = (l: string): boolean => a.includes(l);
  const inB = (l: string): boolean => b.includes(l);
  const inOut = (l: string): boolean => result.includes(l);
  for (const l of [...a, ...b]) {
    if (!inOut(l) && !(inA(l) && inB(l))) unsupported(node, `Einsum summing letter '${l}' inside one operand`, 'every summed letter in both operands', equation);
  }
  // Batch letters in the output's order, so the final permutation moves only the free letters.
  const batch = [...result].filter((l) => inA(l) && inB(l)).join('');
  const freeA = [...result].filter((l) => inA(l) && !inB(l)).join('');
  const freeB = [...result].filter((l) => inB(l) && !inA(l)).join('');
  const contracted = [...a].filter((l) => inB(l) && !inOut(l)).join('');
  const dims = (letters: string): number[] => [...letters].map((l) => size.get(l)!);
  const batchDims = dims(batch);
  const I = sizeOf(dims(freeA));
  const J = sizeOf(dims(contracted));
  const K = sizeOf(dims(freeB));

  const xa = view(ctx, node, permute(ctx, node, input(ctx, node, 0), permutation(a, batch + freeA + contracted)), [...batchDims, I, J]);
  const xb = view(ctx, node, permute(ctx, node, input(ctx, node, 1), permutation(b, batch + contracted + freeB)), [...batchDims, J, K]);
  const product = ctx.emit('matmul', [xa, xb], {}, node);
  const order = batch + freeA + freeB;
  const perm = permutation(order, result);
  if (isIdentity(perm)) {
    ctx.bind(output(node), view(ctx, node, product, dims(order), output(node)));
  } else {
    ctx.bind(output(node), permute(ctx, node, view(ctx, node, product, dims(order)), perm, output(node)));
  }
};
