/**
 * Views and bindings for one dispatch: a leaf's location aligned to the shape a kernel iterates,
 * image views in canonical [N, C, H, W] order, and the binder that gives each physical buffer one
 * binding slot (read, or read_write when the kernel writes it anywhere).
 */
import { layoutAxes, type Layout } from '@skipconn/core';
import type { Access, BindingSpec, ElemType, ViewSpec } from '../kernels/wgsl';
import type { BufRef, Loc } from './placement';
import type { Leaf } from './steps';

/**
 * Assigns binding slots to physical buffers for one dispatch, each declared with the element type
 * of the values the dispatch reads or writes there. One binding holds one type: an allocation's
 * values share their root's dtype (concat members and reshapes do), so two views of one buffer in
 * one dispatch with different types would be a planner bug, and throw.
 */
export class Binder {
  readonly refs: BufRef[] = [];
  readonly access: Access[] = [];
  readonly elems: ElemType[] = [];
  private readonly keys: string[] = [];

  /** `packedHalves`: whether a reference's buffer holds float16 weights packed in pairs (see BindingSpec). */
  constructor(
    private readonly physical: (ref: BufRef) => string,
    private readonly packedHalves: (ref: BufRef) => boolean = () => false,
  ) {}

  bind(ref: BufRef, write = false, elem: ElemType = 'f32'): number {
    const key = this.physical(ref);
    let i = this.keys.indexOf(key);
    if (i < 0) {
      i = this.keys.length;
      this.keys.push(key);
      this.refs.push(ref);
      this.access.push('read');
      this.elems.push(elem);
    } else if (this.elems[i] !== elem) {
      throw new Error(`internal: buffer ${key} is bound as ${this.elems[i]} and as ${elem} in one dispatch`);
    }
    if (write) this.access[i] = 'read_write';
    return i;
  }

  view(loc: Loc, write = false): ViewSpec {
    return { b: this.bind(loc.buf, write, loc.elem), off: loc.off, shape: [...loc.shape], strides: [...loc.strides] };
  }

  bindings(vec4: ReadonlySet<number> = new Set()): BindingSpec[] {
    return this.access.map((access, i) => ({
      access,
      ...(vec4.has(i) ? { vec4: true } : {}),
      ...(this.packedHalves(this.refs[i]!) ? { packedHalves: true } : {}),
      ...(this.elems[i] === 'i32' ? { elem: 'i32' as const } : {}),
    }));
  }
}

/** A location aligned to `shape`: every axis of `shape`, stride 0 where the leaf broadcasts. */
export function alignLoc(loc: Loc, leaf: Pick<Leaf, 'align' | 'slice'>, shape: readonly number[]): Loc {
  let l = loc;
  if (leaf.slice !== undefined) l = { ...l, off: l.off + leaf.slice.offset * l.strides[0]!, shape: [leaf.slice.length] };
  const rank = shape.length;
  const a = leaf.align;
  let strides: number[];
  switch (a.k) {
    case 'same':
      strides = [...l.strides];
      break;
    case 'scalar':
      strides = new Array<number>(rank).fill(0);
      break;
    case 'channel':
      strides = shape.map((_, i) => (i === a.axis ? l.strides[0]! : 0));
      break;
    case 'perm':
      strides = a.perm.map((p) => l.strides[p]!);
      break;
    case 'numpy': {
      const lead = rank - l.shape.length;
      strides = shape.map((_, i) => (i < lead || l.shape[i - lead] === 1 ? 0 : l.strides[i - lead]!));
      break;
    }
  }
  return { buf: l.buf, elem: l.elem, off: l.off, shape: [...shape], strides };
}

/** [N, C, H, W] order of a 4-D image view in `layout`. */
export function canonical(v: ViewSpec, layout: Layout): ViewSpec {
  const ax = layoutAxes(layout);
  const order = [ax.batch, ax.channels, ...ax.spatial];
  return { b: v.b, off: v.off, shape: order.map((i) => v.shape[i]!), strides: order.map((i) => v.strides[i]!) };
}
