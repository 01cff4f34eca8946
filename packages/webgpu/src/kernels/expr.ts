/**
 * Elementwise expressions: the unit of fusion. Every elementwise op and every merge except concat
 * lowers to a small SSA list over leaves (tensors read at the current element), constants and
 * `self` (a value the host kernel provides: a conv accumulator for an epilogue, an input element
 * for a prologue). Fusing producers into consumers is concatenating these lists, so
 * `act(alpha*x + beta*(h*g))` (SE gate fused with the residual) is one expression, one pass.
 */
import { lit, sfx, type ScalarType } from './wgsl';

/**
 * Expression ops. add, sub and mul serve float32 and int32 operands alike (WGSL's i32 arithmetic
 * wraps, as the IR's does); floordiv reads int32; f2i and i2f are the casts between the two; eq
 * and ieq are equal on floats and on int32, yielding 1 or 0 in their operands' type. An
 * expression's constants are float32: the int32 lowerings (binary ops, casts, copies) make none.
 */
export type EOp = 'add' | 'sub' | 'mul' | 'div' | 'floordiv' | 'f2i' | 'i2f' | 'sqrt' | 'relu' | 'sigmoid' | 'tanh' | 'gelu' | 'gelu_tanh' | 'silu' | 'atleast' | 'atmost' | 'elu' | 'eq' | 'ieq';

export type ENode = { readonly k: 'leaf'; readonly i: number } | { readonly k: 'self' } | { readonly k: 'const'; readonly v: number } | { readonly k: 'op'; readonly op: EOp; readonly a: readonly number[] };

/** An SSA list; `root` is the node whose value the expression yields. */
export interface Expr {
  readonly nodes: readonly ENode[];
  readonly root: number;
}

export class ExprBuilder {
  readonly nodes: ENode[] = [];

  leaf(i: number): number {
    return this.push({ k: 'leaf', i });
  }

  self(): number {
    return this.push({ k: 'self' });
  }

  c(v: number): number {
    return this.push({ k: 'const', v });
  }

  op(op: EOp, ...a: number[]): number {
    return this.push({ k: 'op', op, a });
  }

  /** Copies another expression in, renumbering its leaves; returns the index of its root here. */
  inline(e: Expr, leafMap: readonly number[], self?: number): number {
    const map: number[] = [];
    e.nodes.forEach((n, i) => {
      if (n.k === 'leaf') map[i] = this.leaf(leafMap[n.i]!);
      else if (n.k === 'self') {
        if (self === undefined) throw new Error('internal: inlined expression needs a self value');
        map[i] = self;
      } else if (n.k === 'const') map[i] = this.c(n.v);
      else map[i] = this.op(n.op, ...n.a.map((x) => map[x]!));
    });
    return map[e.root]!;
  }

  build(root: number): Expr {
    return { nodes: [...this.nodes], root };
  }

  private push(n: ENode): number {
    this.nodes.push(n);
    return this.nodes.length - 1;
  }
}

/**
 * Nodes whose value does not change inside a loop: constants, leaves `fixed(leaf)` says are fixed,
 * and ops over those. A kernel computes them once outside the loop (emitExpr's `only`).
 */
export function invariantNodes(e: Expr, fixed: (leaf: number) => boolean): boolean[] {
  const inv: boolean[] = [];
  e.nodes.forEach((n, i) => {
    inv[i] = n.k === 'const' || (n.k === 'leaf' && fixed(n.i)) || (n.k === 'op' && n.a.every((a) => inv[a]!));
  });
  return inv;
}

/** True when the expression reads `self`. */
export function usesSelf(e: Expr): boolean {
  return e.nodes.some((n) => n.k === 'self');
}

/** Leaf indices the expression reads. */
export function leavesOf(e: Expr): number[] {
  return [...new Set(e.nodes.filter((n): n is { k: 'leaf'; i: number } => n.k === 'leaf').map((n) => n.i))];
}

const BINARY: Partial<Record<EOp, string>> = { add: '+', sub: '-', mul: '*', div: '/' };

/**
 * WGSL statements computing the expression in type `t`. `leaf(i)` gives the WGSL expression of
 * leaf i (already of type `t`), `self` the host value. Names are `${p}0, ${p}1, ...`.
 */
export function emitExpr(e: Expr, t: ScalarType, p: string, leaf: (i: number) => string, self?: string, only?: (node: number) => boolean): { code: string[]; result: string } {
  const code: string[] = [];
  const s = sfx(t);
  const loaded = new Map<number, string>();
  e.nodes.forEach((n, i) => {
    if (only !== undefined && !only(i)) return;
    let v: string;
    switch (n.k) {
      case 'leaf': {
        // Each leaf is loaded once, however often fusion duplicated it.
        const first = loaded.get(n.i);
        if (first === undefined) loaded.set(n.i, `${p}${i}`);
        v = first ?? leaf(n.i);
        break;
      }
      case 'self':
        if (self === undefined) throw new Error('internal: expression reads self but the kernel provides none');
        v = self;
        break;
      case 'const':
        v = t === 'f32' ? lit(n.v) : `${t}(${lit(n.v)})`;
        break;
      case 'op': {
        const sym = BINARY[n.op];
        const args = n.a.map((x) => `${p}${x}`);
        if (sym !== undefined) v = `${args[0]} ${sym} ${args[1]}`;
        else if (n.op === 'sqrt') v = `sqrt(${args[0]})`;
        else if (n.op === 'atleast' || n.op === 'atmost' || n.op === 'elu' || n.op === 'floordiv' || n.op === 'eq' || n.op === 'ieq') v = `${n.op}_${s}(${args[0]}, ${args[1]})`;
        else v = `${FN[n.op]}_${s}(${args[0]})`;
        break;
      }
    }
    code.push(`let ${p}${i} = ${v};`);
  });
  return { code, result: `${p}${e.root}` };
}

const FN: Record<string, string> = { relu: 'relu', sigmoid: 'sigm', tanh: 'tanh', gelu: 'gelu', gelu_tanh: 'gelut', silu: 'silu', f2i: 'f2i', i2f: 'i2f' };
