// A user's CommonJS app: requires the packages' CommonJS builds and runs real models on every adapter.
'use strict';
const core = require('@skipconn/core');
const coreNode = require('@skipconn/core/node');
const onnxNode = require('@skipconn/onnx/node');
require('@skipconn/onnxruntime-node');
require('@skipconn/onnxruntime-web');
require('@skipconn/tfjs');
require('@skipconn/webgpu');
const { checkModels } = require('./check-models.cjs');

checkModels({ core, coreNode, onnxNode }, process.argv.slice(2)).then((results) => {
  console.log(JSON.stringify({ system: 'cjs', registered: core.registeredAdapters().map((r) => r.name), results }));
});
