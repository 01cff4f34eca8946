/** Node-only entry of @skipconn/tfjs (`@skipconn/tfjs/node`): tfjs LayersModel files on disk. */
export * from './layers-model/files';
export * from './layers-model/predict';
