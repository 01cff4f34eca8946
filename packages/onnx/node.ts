/** Node-only entry of @skipconn/onnx (`@skipconn/onnx/node`): loading models from files. */
export * from './src/node';
