/** `@skipconn/tfjs/layers`: the skip-connection layers for tfjs-layers models (registers them for serialization). */
export * from './src/layers';
