/**
 * Inside the repository, `@skipconn/*` imports resolve to the TypeScript sources, so nothing needs
 * a build: tsconfig.base.json's `paths` is the one map (tsc and tsx read it); this turns it into
 * jest's moduleNameMapper.
 */
const path = require('path');
const { compilerOptions } = require('../../tsconfig.base.json');

const ROOT = path.resolve(__dirname, '..', '..');

/** moduleNameMapper entries: exact `@skipconn/<pkg>[/<subpath>]` -> absolute source file. */
function workspaceModuleNameMapper() {
  return Object.fromEntries(Object.entries(compilerOptions.paths).map(([spec, [file]]) => [`^${spec.replace(/[/.]/g, '\\$&')}$`, path.join(ROOT, file)]));
}

module.exports = { workspaceModuleNameMapper };
