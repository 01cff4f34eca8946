// Shared by app.mjs and app.cjs: runs each model on each adapter and compares with the reference
// evaluator (and the ResNet with PyTorch's own output). Takes the libraries as the caller loaded
// them, so each app exercises its own module system's build of the packages.
'use strict';
const path = require('node:path');

const ATOL = 1e-4;
const RTOL = 1e-3;

function worst(got, want) {
  const g = got.data;
  const w = want.data;
  if (g.length !== w.length) return { ok: false, detail: `length ${g.length}, expected ${w.length}` };
  let maxAbs = 0;
  let ok = true;
  for (let i = 0; i < w.length; i++) {
    const d = Math.abs(Number(g[i]) - Number(w[i]));
    if (!(d <= ATOL + RTOL * Math.abs(Number(w[i])))) ok = false;
    if (!(d <= maxAbs)) maxAbs = d;
  }
  return { ok, maxAbs };
}

async function checkModels({ core, coreNode, onnxNode }, adapters) {
  const models = [
    { name: 'resnet18 (ONNX from torchvision)', load: () => onnxNode.loadOnnxFile(path.join(__dirname, 'models', 'resnet18.onnx')), input: 'resnet18-input.npy', torch: 'resnet18-output.npy' },
    { name: 'resnet basic block (IR + safetensors)', load: () => coreNode.loadGraphFile(path.join(__dirname, 'models', 'resnet-basic-projection.json')) },
  ];
  const results = [];
  for (const m of models) {
    const { validated, weights } = m.load();
    const feeds = {};
    validated.graph.inputs.forEach((input, i) => {
      feeds[input.name] = m.input ? coreNode.readNpyFile(path.join(__dirname, 'models', m.input)) : core.randomTensor(input.shape, 7 + i);
    });
    const want = core.evaluateGraph(validated, weights, feeds);
    const outputName = validated.graph.outputs[0];
    if (m.torch) {
      const torch = worst(want[outputName], coreNode.readNpyFile(path.join(__dirname, 'models', m.torch)));
      results.push({ model: m.name, adapter: 'reference vs PyTorch', ...torch });
    }
    for (const name of adapters) {
      let adapter;
      try {
        adapter = await core.createAdapter(name);
        await adapter.init();
        const compiled = await adapter.compile(validated, weights);
        const got = await compiled.run(feeds);
        results.push({ model: m.name, adapter: name, ran: compiled.info, ...worst(got[outputName], want[outputName]) });
        await compiled.dispose();
      } catch (err) {
        results.push({ model: m.name, adapter: name, ok: false, detail: err instanceof Error ? err.message : String(err) });
      } finally {
        if (adapter) await adapter.dispose();
      }
    }
  }
  return results;
}

module.exports = { checkModels };
