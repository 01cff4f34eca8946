/** Node-only entry of @skipconn/core (`@skipconn/core/node`): file helpers that need 'fs'. */
export * from './src/node';
