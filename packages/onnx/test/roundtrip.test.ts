/**
 * IR -> ONNX -> IR round trips: the imported graph computes the same numbers as the original on
 * the reference evaluator, at opsets 13, 17 and 20, in both image layouts, and findSkips sees the
 * same skip kinds after the trip. Export bytes are deterministic.
 */
import { evaluateGraph, findSkips } from '@skipconn/core';
import { decodeModel, exportOnnx, importOnnx } from '@skipconn/onnx';
import { expectClose } from './compare';
import { samples } from './samples';

describe.each(samples())('round trip: $name', (sample) => {
  const { validated, weights } = sample.built;
  const want = evaluateGraph(validated, weights, sample.feeds);

  it.each([13, 17, 20])('opset %i: same numbers and skips', (opset) => {
    const bytes = exportOnnx(validated, weights, { opset });
    const imported = importOnnx(bytes);
    const got = evaluateGraph(imported.validated, imported.weights, sample.feeds);
    validated.graph.outputs.forEach((name, i) => {
      expectClose(got[imported.validated.graph.outputs[i]!], want[name], 1e-5, 1e-5, `${sample.name} output ${name}`);
    });
    expect(findSkips(imported.validated).map((s) => s.kind)).toEqual(sample.skips);
    // Image inputs keep their layout: NHWC graphs export a Transpose at the input, which marks it.
    expect(imported.graph.inputs.map((i) => i.layout ?? null)).toEqual(
      validated.graph.inputs.map((i) => (i.shape.length === 4 ? (i.layout ?? null) : (imported.graph.inputs.find((x) => x.name === i.name)?.layout ?? null))),
    );
  });

  it('exports deterministic bytes', () => {
    const a = exportOnnx(validated, weights);
    const b = exportOnnx(validated, weights);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(decodeModel(a).opsetImport).toEqual([{ domain: '', version: 17 }]);
  });
});
