/**
 * Malformed ONNX structure: op types that are Object.prototype keys, values defined twice and
 * duplicate initializers (which onnx.checker rejects and which would otherwise run with the last
 * definition), and clipped messages. Each is a typed error, found before any conversion.
 */
import { FileFormatError, GraphBuilder, SkipconnError, randomTensor } from '@skipconn/core';
import { encodeModel, exportModel, importOnnx, type ModelProto } from '@skipconn/onnx';

/** x [1,3] -> Gemm(w) -> Relu. */
function model(): ModelProto {
  const b = new GraphBuilder('m');
  const x = b.input('x', [1, 3], { layout: 'NC' });
  b.output(b.node('relu', [b.node('dense', [x, b.weight('w', randomTensor([2, 3], 1))], {}, 'fc')], {}, 'r'));
  const built = b.build();
  return exportModel(built.validated, built.weights);
}

function refusal(edit: (m: ModelProto) => void): SkipconnError {
  const m = model();
  edit(m);
  try {
    importOnnx(encodeModel(m), { file: 'm.onnx' });
  } catch (err) {
    if (!(err instanceof SkipconnError)) throw new Error(`untyped ${String(err)}`, { cause: err });
    return err;
  }
  throw new Error('the model was accepted');
}

it('the unedited model imports', () => {
  expect(importOnnx(encodeModel(model()), { file: 'm.onnx' }).validated.nodes.length).toBeGreaterThan(0);
});

it.each(['__proto__', 'hasOwnProperty', 'valueOf', 'constructor', 'toString'])('op type %s is unsupported, not a crash', (op) => {
  const e = refusal((m) => (m.graph!.node[0]!.opType = op));
  expect(e.code).toBe('UNSUPPORTED');
  expect(e.message).toContain(`op type ${op} is not supported`);
});

it('a duplicate initializer is refused', () => {
  const e = refusal((m) => {
    const w = m.graph!.initializer[0]!;
    m.graph!.initializer.push({ ...w, rawData: new Uint8Array(w.rawData!.length) });
  });
  expect(e).toBeInstanceOf(FileFormatError);
  expect(e.message).toContain(`m.onnx: value '${model().graph!.initializer[0]!.name}' is defined twice, by an initializer and by another initializer`);
});

it('a value produced by two nodes is refused', () => {
  const e = refusal((m) => (m.graph!.node[1]!.output = [...m.graph!.node[0]!.output]));
  expect(e.message).toMatch(/value '.+' is defined twice, by an output of node '.+' and by an output of node '.+'/);
});

it('a node output that reuses a graph input name is refused', () => {
  const e = refusal((m) => (m.graph!.node[1]!.output = [m.graph!.input[0]!.name]));
  expect(e.message).toContain(`value '${model().graph!.input[0]!.name}' is defined twice, by a graph input and by an output of node`);
});

it('an initializer also listed as a graph input (IR < 4) is still accepted', () => {
  const m = model();
  const w = m.graph!.initializer[0]!;
  m.graph!.input.push({ name: w.name, type: { tensor: { elemType: 1, shape: w.dims.map((d) => ({ value: d })) } } } as never);
  expect(() => importOnnx(encodeModel(m), { file: 'm.onnx' })).not.toThrow();
});

it('a 1 MB op type is clipped in the message', () => {
  const e = refusal((m) => (m.graph!.node[0]!.opType = 'X'.repeat(1_000_000)));
  expect(e.message).toContain('… (1000000 chars)');
  expect(e.message.length).toBeLessThan(5000);
});
