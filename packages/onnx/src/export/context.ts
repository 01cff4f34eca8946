/**
 * State of one IR -> ONNX export: the ONNX nodes and initializers emitted so far, fresh names,
 * and where each IR value lives in ONNX.
 *
 * Layout: ONNX image ops are NCHW. An IR value with layout NHWC is kept *permuted* (stored as
 * NCHW) between image ops, so an NHWC graph gets Transposes only where it meets the outside: at
 * graph inputs and outputs, and before the few layout-unaware ops (reshape, flatten, dense on a
 * non-channel axis, ...) that need the logical order. Each value has at most two ONNX names: its
 * logical form (named as in the IR) and its permuted form (`<name>__nchw`), each made once.
 */
import { GraphError, tensor, transposeInto, type DType, type HostTensor, type ValidatedGraph, type ValueInfo, type WeightStore } from '@skipconn/core';
import { AttrType, emptyAttribute, type AttributeProto, type NodeProto, type TensorProto } from '../proto/types';
import { tensorToProto } from '../tensor';

/** NHWC -> NCHW and back. */
export const TO_NCHW = [0, 3, 1, 2] as const;
export const TO_NHWC = [0, 2, 3, 1] as const;

interface Forms {
  logical?: string;
  permuted?: string;
}

export type AttrValue = number | string | readonly number[] | { float: number } | { floats: readonly number[] };

export class ExportContext {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly forms = new Map<string, Forms>();
  private readonly used = new Set<string>();
  private readonly constCache = new Map<string, string>();
  private readonly emittedWeights = new Set<string>();

  constructor(
    readonly vg: ValidatedGraph,
    readonly weights: WeightStore,
    readonly opset: number,
    /** The ExportOptions that change how ops are written (see there). */
    readonly writing: { readonly floorModePools: boolean; readonly gatherNdAsGather: boolean } = { floorModePools: false, gatherNdAsGather: false },
  ) {
    for (const name of vg.values.keys()) this.used.add(name);
    for (const input of vg.graph.inputs) this.forms.set(input.name, { logical: input.name });
  }

  info(value: string): ValueInfo {
    const v = this.vg.values.get(value);
    if (v === undefined) throw new GraphError('GRAPH_INVALID', {}, `value '${value}' is unknown to the export`, { expected: 'a validated value', received: value });
    return v;
  }

  /** A name no IR value and no earlier generated name uses. */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  weight(value: string): HostTensor | undefined {
    return this.vg.weightNames.has(value) ? this.weights.get(value) : undefined;
  }

  /** True when the value is currently stored permuted (NCHW data of a logical NHWC value). */
  isPermuted(value: string): boolean {
    const f = this.forms.get(value);
    return f !== undefined && f.logical === undefined && f.permuted !== undefined;
  }

  /** Whether `value` can be held permuted: a rank-4 value (permuting needs 4 axes). */
  canPermute(value: string): boolean {
    return this.info(value).shape.length === 4;
  }

  /** The ONNX name of `value` in logical (IR) order, or permuted (NHWC -> NCHW) order. */
  get(value: string, permuted = false): string {
    let f = this.forms.get(value);
    if (f === undefined && this.vg.weightNames.has(value)) {
      this.emitWeight(value);
      f = this.forms.get(value)!;
    }
    if (f === undefined) throw new GraphError('GRAPH_INVALID', {}, `value '${value}' used before it is defined in the export`, { expected: 'topological order', received: value });
    if (!permuted) {
      if (f.logical === undefined) {
        f.logical = value;
        this.node('Transpose', [f.permuted!], [value], { perm: TO_NHWC });
      }
      return f.logical;
    }
    if (f.permuted === undefined) {
      const w = this.weight(value);
      const name = this.fresh(`${value}__nchw`);
      if (w !== undefined) this.addInitializer(name, permuteConst(w, TO_NCHW));
      else this.node('Transpose', [f.logical!], [name], { perm: TO_NCHW });
      f.permuted = name;
    }
    return f.permuted;
  }

  /** The NCHW form of an image value: logical when it is NCHW, permuted when it is NHWC. */
  nchw(value: string): string {
    return this.get(value, this.info(value).layout === 'NHWC');
  }

  /** Records the ONNX name of an IR output. `permuted`: it holds NCHW data of an NHWC value. */
  define(value: string, onnxName: string, permuted = false): void {
    this.forms.set(value, permuted ? { permuted: onnxName } : { logical: onnxName });
  }

  /** The ONNX name to write an IR output to: its own name, or a fresh one when held permuted. */
  outputName(value: string, permuted: boolean): string {
    return permuted ? this.fresh(`${value}__nchw`) : value;
  }

  private emitWeight(value: string): void {
    const w = this.weights.get(value);
    if (w === undefined) throw new GraphError('GRAPH_INVALID', {}, `weight '${value}' is missing from the weight store`, { expected: 'a tensor for every weight', received: 'nothing' });
    this.addInitializer(value, w);
    this.emittedWeights.add(value);
    this.forms.set(value, { logical: value });
  }

  addInitializer(name: string, t: HostTensor): string {
    this.used.add(name);
    this.initializers.push(tensorToProto(name, t));
    return name;
  }

  /** A named constant initializer built from values; cached by content so equal constants are shared. */
  constant(hint: string, t: HostTensor): string {
    // Only small constants (scalars, shapes, pads) are worth sharing; weights are never equal.
    const key = t.data.length <= 64 ? `${t.dtype}|${t.shape.join(',')}|${Array.from(t.data as ArrayLike<number | bigint>, String).join(',')}` : undefined;
    const cached = key === undefined ? undefined : this.constCache.get(key);
    if (cached !== undefined) return cached;
    const name = this.addInitializer(this.fresh(hint), t);
    if (key !== undefined) this.constCache.set(key, name);
    return name;
  }

  /** A scalar constant of a float dtype (shape []), for formulas like 0.5 * x. */
  scalar(value: number, dtype: DType): string {
    return this.constant(`const_${dtype}_${String(value).replace(/[^0-9a-zA-Z.-]/g, '_')}`, tensor(dtype, [], [value]));
  }

  int64s(hint: string, values: readonly number[]): string {
    return this.constant(hint, tensor('int64', [values.length], values));
  }

  /** Emits one ONNX node; attributes are written in the order given (callers keep it fixed). */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Readonly<Record<string, AttrValue | undefined>> = {}, name?: string): void {
    const attribute: AttributeProto[] = [];
    for (const [key, v] of Object.entries(attrs)) {
      if (v !== undefined) attribute.push(attr(key, v));
    }
    const nodeName = this.fresh(name ?? `${opType}_${outputs[0] ?? this.nodes.length}`);
    this.nodes.push({ name: nodeName, opType, domain: '', input: [...inputs], output: [...outputs], attribute });
  }

  /** A fresh intermediate value name. */
  temp(base: string): string {
    return this.fresh(base);
  }
}

function attr(name: string, v: AttrValue): AttributeProto {
  const a = emptyAttribute();
  a.name = name;
  if (typeof v === 'number') {
    a.type = AttrType.INT;
    a.i = v;
  } else if (typeof v === 'string') {
    a.type = AttrType.STRING;
    a.s = new TextEncoder().encode(v);
  } else if (Array.isArray(v)) {
    a.type = AttrType.INTS;
    a.ints = [...(v as number[])];
  } else if ('float' in (v as object)) {
    a.type = AttrType.FLOAT;
    a.f = (v as { float: number }).float;
  } else {
    a.type = AttrType.FLOATS;
    a.floats = [...(v as { floats: readonly number[] }).floats];
  }
  return a;
}

/** Transposes a constant (any dtype) by perm; a lower-rank constant is first padded with leading 1s. */
export function permuteConst(t: HostTensor, perm: readonly number[]): HostTensor {
  const shape = [...Array(perm.length - t.shape.length).fill(1), ...t.shape] as number[];
  const out = tensor(
    t.dtype,
    perm.map((a) => shape[a]!),
  );
  // Raw storage copied element by element (bigint for int64, half bits for float16): exact for any dtype.
  transposeInto(t.data as unknown as ArrayLike<number>, shape, perm, out.data as unknown as number[]);
  return out;
}

/** 2-D transpose of a constant matrix [r, c] -> [c, r]. */
export function transposeMatrix(t: HostTensor): HostTensor {
  return permuteConst(t, [1, 0]);
}
