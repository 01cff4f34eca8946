// The consumer web app's Vite config: defaults, with a modern target (onnxruntime-web uses top-level await).
export default { build: { target: 'es2022', chunkSizeWarningLimit: 100000 } };
