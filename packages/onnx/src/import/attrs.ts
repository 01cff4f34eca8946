/**
 * Typed readers for ONNX node attributes. Errors name the node, its op, the attribute, what was
 * expected and what was received.
 */
import { GraphError, type HostTensor, type NodeRef } from '@skipconn/core';
import { AttrType, type AttributeProto, type NodeProto } from '../proto/types';
import { tensorFromProto, type TensorLimits } from '../tensor';

const UTF8 = new TextDecoder();

export function nodeRef(node: NodeProto): NodeRef {
  return { node: node.name || `(unnamed ${node.opType} -> ${node.output[0] ?? '?'})`, op: node.opType };
}

export class NodeAttrs {
  private readonly byName = new Map<string, AttributeProto>();

  constructor(
    readonly node: NodeProto,
    private readonly file: string,
    private readonly limits: TensorLimits,
  ) {
    for (const a of node.attribute) this.byName.set(a.name, a);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  private get(name: string, type: number, what: string): AttributeProto | undefined {
    const a = this.byName.get(name);
    if (a === undefined) return undefined;
    if (a.refAttrName !== undefined) this.bad(name, what, `a reference to function attribute '${a.refAttrName}'`);
    // Old exporters sometimes leave `type` unset; accept the field that is present.
    if (a.type !== type && a.type !== AttrType.UNDEFINED) this.bad(name, what, `attribute type ${a.type}`);
    return a;
  }

  bad(name: string, expected: string, received: string): never {
    throw new GraphError('ATTRIBUTE_INVALID', nodeRef(this.node), `attribute '${name}' is invalid`, { expected, received });
  }

  int(name: string, fallback: number): number {
    const a = this.get(name, AttrType.INT, 'an integer');
    if (a === undefined) return fallback;
    if (a.i === undefined) return 0;
    return a.i;
  }

  float(name: string, fallback: number): number {
    const a = this.get(name, AttrType.FLOAT, 'a float');
    if (a === undefined) return fallback;
    return a.f ?? 0;
  }

  string(name: string, fallback: string): string {
    const a = this.get(name, AttrType.STRING, 'a string');
    if (a === undefined) return fallback;
    return a.s === undefined ? '' : UTF8.decode(a.s);
  }

  ints(name: string): number[] | undefined {
    const a = this.get(name, AttrType.INTS, 'a list of integers');
    return a === undefined ? undefined : [...a.ints];
  }

  floats(name: string): number[] | undefined {
    const a = this.get(name, AttrType.FLOATS, 'a list of floats');
    return a === undefined ? undefined : [...a.floats];
  }

  tensor(name: string): HostTensor | undefined {
    const a = this.get(name, AttrType.TENSOR, 'a tensor');
    if (a === undefined) return undefined;
    if (a.t === undefined) this.bad(name, 'a tensor', 'nothing');
    return tensorFromProto(a.t, this.file, this.limits);
  }

  /** Throws when an attribute with a value we do not implement is present. */
  require(name: string, allowed: readonly (string | number)[], actual: string | number): void {
    if (!allowed.includes(actual)) {
      throw new GraphError('UNSUPPORTED', nodeRef(this.node), `attribute '${name}' has a value skipconn does not support`, {
        expected: allowed.map((v) => JSON.stringify(v)).join(' or '),
        received: JSON.stringify(actual),
      });
    }
  }
}
