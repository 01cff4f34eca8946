/** Browser entry of @skipconn/tfjs (`@skipconn/tfjs/browser`): no Node built-ins, tfjs handed in. */
export * from './src/browser';
