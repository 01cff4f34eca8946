/**
 * The ONNX backend node tests shipped by Debian's libonnx-testdata (onnx 1.12):
 * /usr/share/libonnx-testdata/data/node/test_<name>/{model.onnx, test_data_set_0/{input,output}_<i>.pb}.
 * Shared by the reference test here and the onnxruntime-node test.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SkipconnError, type HostTensor } from '@skipconn/core';
import { decodeModel, decodeTensorProto, importModel, tensorFromProto, type ImportResult } from '@skipconn/onnx';

export const NODE_TESTS_DIR = process.env['ONNX_NODE_TESTS'] ?? '/usr/share/libonnx-testdata/data/node';

export interface NodeTest {
  readonly name: string;
  readonly dir: string;
}

export function nodeTests(): NodeTest[] {
  if (!fs.existsSync(NODE_TESTS_DIR)) return [];
  return fs
    .readdirSync(NODE_TESTS_DIR)
    .filter((d) => d.startsWith('test_'))
    .sort()
    .map((name) => ({ name, dir: path.join(NODE_TESTS_DIR, name) }));
}

export interface LoadedNodeTest {
  readonly model: ImportResult;
  readonly feeds: Record<string, HostTensor>;
  readonly outputs: HostTensor[];
  /** Graph inputs frozen to their test values because the IR needs them static. */
  readonly frozen: readonly string[];
}

function readPb(file: string): HostTensor {
  return tensorFromProto(decodeTensorProto(new Uint8Array(fs.readFileSync(file)), file), file);
}

/**
 * Imports a node test; a SkipconnError means skipconn does not support it (the reason is the
 * message). Many node tests feed shapes, axes or scales as graph inputs; the IR wants them
 * static, so an input the importer needs as a constant is frozen to its test value and the
 * import retried (ImportOptions.constants).
 */
export function loadNodeTest(t: NodeTest): LoadedNodeTest {
  const file = path.join(t.dir, 'model.onnx');
  const proto = decodeModel(new Uint8Array(fs.readFileSync(file)), file);
  const data = path.join(t.dir, 'test_data_set_0');
  const graphInputs = proto.graph!.input.filter((i) => !proto.graph!.initializer.some((init) => init.name === i.name)).map((i) => i.name);
  const values = new Map<string, HostTensor>();
  graphInputs.forEach((name, i) => {
    const f = path.join(data, `input_${i}.pb`);
    if (!fs.existsSync(f)) throw new SkipconnError('INPUT_INVALID', `missing ${f}`);
    values.set(name, readPb(f));
  });
  const constants: Record<string, HostTensor> = {};
  for (let attempt = 0; ; attempt++) {
    try {
      const model = importModel(proto, { file, constants });
      const feeds: Record<string, HostTensor> = {};
      for (const input of model.graph.inputs) feeds[input.name] = values.get(input.name)!;
      const outputs = model.graph.outputs.map((_, i) => readPb(path.join(data, `output_${i}.pb`)));
      return { model, feeds, outputs, frozen: Object.keys(constants) };
    } catch (err) {
      const m = err instanceof SkipconnError ? /must be a constant.*received '([^']+)', which depends on a graph input/.exec(err.message) : null;
      const name = m?.[1];
      if (name === undefined || !values.has(name) || name in constants || attempt > 8) throw err;
      constants[name] = values.get(name)!;
    }
  }
}

/** One line per skipped test: why skipconn does not take it. */
export function skipReason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg
    .replace(/; supported: .*$/, '')
    .replace(/\s+/g, ' ')
    .slice(0, 200);
}
