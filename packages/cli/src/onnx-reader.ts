/**
 * The ONNX ModelReader: `.onnx` files (or any file that starts like a ModelProto) import through
 * @skipconn/onnx with constant folding and skip detection, so `skipconn inspect model.onnx`
 * shows the skip connections of a real exported network. Symbolic batch dims bind to 1.
 */
import { loadOnnxFile } from '@skipconn/onnx/node';
import type { ModelReader } from './model';

/** A ModelProto starts with field 1 (ir_version, varint) and a small version number. */
function looksLikeOnnx(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x08 && head[1]! > 0 && head[1]! < 0x20;
}

export const onnxReader: ModelReader = {
  format: 'onnx',
  matches(file, head) {
    return file.toLowerCase().endsWith('.onnx') || (!file.endsWith('.json') && looksLikeOnnx(head));
  },
  async load(file) {
    const { graph, weights, validated } = loadOnnxFile(file);
    return { graph, weights, validated };
  },
};
