/** Node-only entry of @skipconn/tfjs (`@skipconn/tfjs/node`): tfjs LayersModel files on disk. */
export * from './src/layers-model/files';
export * from './src/layers-model/predict';
