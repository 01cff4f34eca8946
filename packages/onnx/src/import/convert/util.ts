/** Helpers shared by the ONNX -> IR converters. */
import { GraphError, type HostTensor } from '@skipconn/core';
import type { NodeProto } from '../../proto/types';
import { nodeRef } from '../attrs';
import type { ImportContext } from '../context';

/** Converts one ONNX node: emits IR nodes and binds the node's outputs. */
export type Converter = (node: NodeProto, ctx: ImportContext) => void;

/** The IR value of input i (constants become weights). */
export function input(ctx: ImportContext, node: NodeProto, i: number): string {
  const name = node.input[i];
  if (name === undefined || name === '') throw new GraphError('GRAPH_INVALID', nodeRef(node), `input ${i} is missing`, { expected: `at least ${i + 1} inputs`, received: `${node.input.length}` });
  return ctx.operand(name, node);
}

/** True when optional input i is present. */
export function hasInput(node: NodeProto, i: number): boolean {
  return node.input[i] !== undefined && node.input[i] !== '';
}

/** A constant input (shape tensors, scales, pads, ...): refuses values only known at run time. */
export function constInput(ctx: ImportContext, node: NodeProto, i: number, what: string): HostTensor {
  const name = node.input[i] ?? '';
  const c = ctx.const(name);
  if (c === undefined) {
    throw new GraphError('UNSUPPORTED', nodeRef(node), `${what} (input ${i}) must be a constant`, {
      expected: 'an initializer, a Constant, or a value that folds to one (shape subgraphs fold)',
      received: name === '' ? 'nothing' : `'${name}', which depends on a graph input`,
    });
  }
  return c;
}

/** Rank and shape of an input, constant or not. */
export function shapeOf(ctx: ImportContext, node: NodeProto, i: number): readonly number[] {
  const info = ctx.infoOf(node.input[i] ?? '');
  if (info === undefined) throw new GraphError('GRAPH_INVALID', nodeRef(node), `input ${i} is not defined`, { expected: 'a defined value', received: `'${node.input[i] ?? ''}'` });
  return info.shape;
}

export function output(node: NodeProto, i = 0): string {
  return node.output[i] ?? '';
}

/** Throws when any output past the first is read by someone (e.g. MaxPool indices, Dropout mask). */
export function onlyFirstOutput(node: NodeProto, isUsed: (name: string) => boolean): void {
  node.output.slice(1).forEach((o, i) => {
    if (o !== '' && isUsed(o)) {
      throw new GraphError('UNSUPPORTED', nodeRef(node), `output ${i + 1} ('${o}') is used`, { expected: 'only the first output in use (inference)', received: `'${o}' read by another node or the graph` });
    }
  });
}

export function unsupported(node: NodeProto, problem: string, expected: string, received: string): never {
  throw new GraphError('UNSUPPORTED', nodeRef(node), problem, { expected, received });
}

/**
 * Explicit [top, left, bottom, right] pads for a window op: the `pads` attribute, or auto_pad
 * (SAME_UPPER / SAME_LOWER / VALID) resolved against the static input size, as ONNX defines it.
 */
export function resolvePads(
  node: NodeProto,
  autoPad: string,
  pads: readonly number[] | undefined,
  input: readonly [number, number],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
): [number, number, number, number] {
  if (autoPad === 'NOTSET' || autoPad === '') {
    const p = pads ?? [0, 0, 0, 0];
    if (p.length !== 4) unsupported(node, 'pads must have 4 entries for a 2-D op', '[top, left, bottom, right]', JSON.stringify(p));
    return [p[0]!, p[1]!, p[2]!, p[3]!];
  }
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') unsupported(node, 'unknown auto_pad', 'NOTSET, SAME_UPPER, SAME_LOWER or VALID', autoPad);
  const begin: number[] = [];
  const end: number[] = [];
  for (let a = 0; a < 2; a++) {
    const out = Math.ceil(input[a]! / strides[a]!);
    const total = Math.max(0, (out - 1) * strides[a]! + (kernel[a]! - 1) * dilations[a]! + 1 - input[a]!);
    const small = Math.floor(total / 2);
    begin.push(autoPad === 'SAME_UPPER' ? small : total - small);
    end.push(autoPad === 'SAME_UPPER' ? total - small : small);
  }
  return [begin[0]!, begin[1]!, end[0]!, end[1]!];
}

export function pair(v: readonly number[] | undefined, fallback: readonly [number, number], node: NodeProto, name: string): [number, number] {
  if (v === undefined) return [fallback[0], fallback[1]];
  if (v.length !== 2) unsupported(node, `'${name}' must have 2 entries (2-D ops only)`, '2 values', JSON.stringify(v));
  return [v[0]!, v[1]!];
}
