/**
 * The IR fingerprint of an imported model: a hash of the canonical validated graph and the bytes
 * of every weight it reads. Two imports with the same fingerprint are the same computation on
 * every adapter (each adapter compiles the IR, and the ort adapters run its re-export), so the
 * zoo runs an architecture's adapters once when its opset 13 and opset 17 exports import alike.
 *
 * Canonical means independent of the names the exporter chose: torch.onnx numbers its folded
 * initializers and intermediate values (`onnx::Conv_497`, `/layer1/Relu_output_0`) differently
 * from one opset to the other. Values are renamed by role and position instead: graph inputs by
 * index, weights in the order nodes first read them, node outputs by node index and output index.
 * What stays is each node's op, its parsed attributes (defaults filled, so an attribute written
 * out at one opset and left to its default at the other hashes alike), its canonical inputs,
 * every value's dtype and shape, and the weights' dtype, shape and bytes.
 */
import { createHash, type Hash } from 'node:crypto';
import type { HostTensor, ValidatedGraph, WeightStore } from '@skipconn/core';

/** Hex digits kept: 64 bits, ample to tell the two imports of one architecture apart. */
const FINGERPRINT_HEX_DIGITS = 16;

/** JSON with sorted keys; typed arrays as arrays and bigints as strings, so the text is canonical. */
function canonicalJson(value: unknown): string {
  if (typeof value === 'bigint') return JSON.stringify(`${value}n`);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return canonicalJson(Array.from(value as unknown as ArrayLike<number | bigint>));
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function hashTensor(hash: Hash, t: HostTensor): void {
  hash.update(`${t.dtype}[${t.shape.join(',')}]`);
  const bytes = t.data as ArrayBufferView;
  hash.update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** The fingerprint (16 hex digits of a SHA-256) of `validated` with `weights`. */
export function irFingerprint(validated: ValidatedGraph, weights: WeightStore): string {
  const hash = createHash('sha256');
  const canonical = new Map<string, string>();
  validated.graph.inputs.forEach((input, i) => canonical.set(input.name, `in${i}`));
  let weightCount = 0;
  const nameOf = (value: string): string => {
    if (value === '') return '';
    const known = canonical.get(value);
    if (known !== undefined) return known;
    if (!validated.weightNames.has(value)) throw new Error(`value '${value}' is read before any node writes it (not a graph input or weight)`);
    const name = `w${weightCount++}`;
    canonical.set(value, name);
    const data = weights.get(value);
    if (data === undefined) throw new Error(`weight '${value}' is declared but has no data`);
    hash.update(`weight ${name} `);
    hashTensor(hash, data);
    return name;
  };
  for (const input of validated.graph.inputs) hash.update(`input ${input.dtype}[${input.shape.join(',')}] ${input.layout ?? ''}\n`);
  validated.nodes.forEach((node, n) => {
    const inputs = node.spec.inputs.map(nameOf);
    node.spec.outputs.forEach((out, o) => canonical.set(out, `n${n}.${o}`));
    const outputs = node.outputs.map((v) => `${v.dtype}[${v.shape.join(',')}]${v.layout ?? ''}`);
    hash.update(`node ${node.type} ${canonicalJson(node.attrs)} (${inputs.join(',')}) -> (${outputs.join(',')})\n`);
  });
  hash.update(`outputs ${validated.graph.outputs.map(nameOf).join(',')}\n`);
  return hash.digest('hex').slice(0, FINGERPRINT_HEX_DIGITS);
}
