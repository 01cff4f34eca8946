/**
 * IR -> ONNX -> IR is conformance-equal: an adapter that exports each case to ONNX bytes, imports
 * them back (with skip recognition) and runs the result on the reference evaluator passes the
 * whole conformance suite, composite blocks included; so do the pool cases exported with
 * `floorModePools` and the gatherNd cases with `gatherNdAsGather`.
 */
import { evaluateGraph, type Adapter } from '@skipconn/core';
import { describeConformance } from '@skipconn/conformance';
import { exportOnnx, importOnnx } from '@skipconn/onnx';

/**
 * Ops whose export the import does not read back: argMax is written with its NaN test (IsNaN,
 * GatherElements, Where) and floorDiv through float64.
 */
const NOT_READ_BACK: Readonly<Record<string, string>> = {
  argMax: "the export's ArgMax comes with a NaN test (IsNaN, ArgMax of the mask, GatherElements, Where) that the import does not read back",
  floorDiv: 'the export divides in float64 (Cast, Div, Floor, Cast), which the import does not read back',
};

function roundTripAdapter(opset: number, writing: { floorModePools?: boolean; gatherNdAsGather?: boolean } = {}): Adapter {
  let live = 0;
  return {
    name: `onnx-roundtrip:opset${opset}${Object.keys(writing)
      .map((k) => `:${k}`)
      .join('')}`,
    async init() {},
    whyUnsupported: (op) => NOT_READ_BACK[op],
    async compile(graph, weights) {
      const imported = importOnnx(exportOnnx(graph, weights, { opset, ...writing }));
      live++;
      let open = true;
      return {
        info: { backend: `IR -> ONNX opset ${opset} -> IR, reference evaluator` },
        async run(feeds) {
          const renamed: Record<string, (typeof feeds)[string]> = {};
          imported.validated.graph.inputs.forEach((input, i) => (renamed[input.name] = feeds[graph.graph.inputs[i]!.name]!));
          const out = evaluateGraph(imported.validated, imported.weights, renamed);
          return Object.fromEntries(graph.graph.outputs.map((name, i) => [name, out[imported.validated.graph.outputs[i]!]!]));
        },
        async dispose() {
          if (open) live--;
          open = false;
        },
      };
    },
    resources: () => ({ compiled: live }),
    async dispose() {},
  };
}

describeConformance(() => roundTripAdapter(17));
describeConformance(() => roundTripAdapter(13), { filter: 'block/**' });
// Ceil-mode pools written as floor mode with larger end pads read back as such and compute the
// ceil-mode goldens.
describeConformance(() => roundTripAdapter(17, { floorModePools: true }), { filter: 'op/maxPool2d|op/avgPool2d' });
// gatherNd written as Gather of the merged axes reads back and computes the gatherNd goldens.
describeConformance(() => roundTripAdapter(17, { gatherNdAsGather: true }), { filter: 'op/gatherNd' });
