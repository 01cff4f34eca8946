/** Node-only entry of @skipconn/tfjs (`@skipconn/tfjs/node`): tfjs LayersModel and GraphModel files on disk. */
export * from './layers-model/files';
export * from './layers-model/predict';
export * from './graph-model/files';
