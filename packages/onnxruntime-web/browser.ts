/** Browser entry of @skipconn/onnxruntime-web (`@skipconn/onnxruntime-web/browser`): no Node built-ins. */
export * from './src/browser';
