/**
 * Turns a case's data into what an adapter receives: the graph, a weight store and input tensors.
 * Random values come from core's seededRandom (mulberry32), so every machine and every language
 * that implements the same generator sees the same numbers.
 */
import { SkipconnError, decodeNumber, seededRandom, sizeOf, formatShape, tensor, weightsFromGraph, type DType, type HostTensor } from '@skipconn/core';
import type { ConformanceCase, RandomSpec, ValueSpec } from './types';

export function isRandomSpec(spec: ValueSpec): spec is RandomSpec {
  return !Array.isArray(spec);
}

/** Float64 values of a spec for `size` elements (before rounding to a dtype). */
export function specValues(spec: ValueSpec, size: number, where: string): Float64Array {
  if (!isRandomSpec(spec)) {
    if (spec.length !== size) {
      throw new SkipconnError('INPUT_INVALID', `${where}: expected ${size} literal values, received ${spec.length}`);
    }
    return Float64Array.from(spec, (v, i) => decodeNumber(v, `${where} value ${i}`));
  }
  const { seed, low, high } = spec;
  if (!Number.isFinite(low) || !Number.isFinite(high) || high < low) {
    throw new SkipconnError('INPUT_INVALID', `${where}: expected finite low <= high, received low ${low}, high ${high}`);
  }
  const next = seededRandom(seed);
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = low + (high - low) * next();
  for (const s of spec.special ?? []) {
    if (!Number.isInteger(s.index) || s.index < 0 || s.index >= size) {
      throw new SkipconnError('INPUT_INVALID', `${where}: special value index ${s.index} is outside 0..${size - 1}`);
    }
    out[s.index] = decodeNumber(s.value, `${where} special value at ${s.index}`);
  }
  return out;
}

/** A tensor of `dtype` and `shape` from a spec (values rounded as the dtype demands). */
export function specTensor(spec: ValueSpec, dtype: DType, shape: readonly number[], where: string): HostTensor {
  const values = specValues(spec, sizeOf(shape), where);
  return tensor(dtype, shape, dtype === 'float64' ? values : Array.from(values));
}

export interface MaterializedCase {
  readonly weights: Map<string, HostTensor>;
  readonly feeds: Record<string, HostTensor>;
}

/** Weights (inline data or seeded init) and input tensors of a case. Throws INPUT_INVALID on bad case data. */
export function materializeCase(c: ConformanceCase): MaterializedCase {
  const external = new Map<string, HostTensor>();
  for (const w of c.graph.weights) {
    if (w.data !== undefined) continue;
    const spec = c.init?.[w.name];
    if (spec === undefined) {
      throw new SkipconnError('INPUT_INVALID', `case ${c.id}: weight '${w.name}' ${formatShape(w.shape)} has no data and no init spec`);
    }
    external.set(w.name, specTensor(spec, w.dtype, w.shape, `case ${c.id}: weight '${w.name}'`));
  }
  const weights = weightsFromGraph(c.graph, external);
  const feeds: Record<string, HostTensor> = {};
  for (const input of c.graph.inputs) {
    const spec = c.inputs[input.name];
    if (spec === undefined) throw new SkipconnError('INPUT_INVALID', `case ${c.id}: no values for input '${input.name}'`);
    feeds[input.name] = specTensor(spec, input.dtype, input.shape, `case ${c.id}: input '${input.name}'`);
  }
  for (const name of Object.keys(c.inputs)) {
    if (!c.graph.inputs.some((i) => i.name === name)) throw new SkipconnError('INPUT_INVALID', `case ${c.id}: '${name}' is not a graph input`);
  }
  return { weights, feeds };
}
