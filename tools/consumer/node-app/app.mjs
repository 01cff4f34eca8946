// A user's ES module app: imports the packages' ESM builds and runs real models on every adapter.
import * as core from '@skipconn/core';
import * as coreNode from '@skipconn/core/node';
import * as onnxNode from '@skipconn/onnx/node';
import '@skipconn/onnxruntime-node';
import '@skipconn/onnxruntime-web';
import '@skipconn/tfjs';
import '@skipconn/webgpu';
import checks from './check-models.cjs';

const adapters = process.argv.slice(2);
const results = await checks.checkModels({ core, coreNode, onnxNode }, adapters);
console.log(JSON.stringify({ system: 'esm', registered: core.registeredAdapters().map((r) => r.name), results }));
