/**
 * Regenerates packages/conformance/goldens/*.json: the reference evaluator's float64 outputs for
 * every conformance case whose expectation is "golden".
 *
 *   npm run goldens              rewrite every golden file (atomically)
 *   npm run goldens -- --check   exit 1 and list the stale goldens, writing nothing
 */
import { GOLDENS_DIR, findStaleGoldens, loadCases, loadGoldens, writeGoldens } from '@skipconn/conformance';

function main(): number {
  const cases = loadCases();
  if (process.argv.includes('--check')) {
    const stale = findStaleGoldens(cases, loadGoldens(), { recompute: true });
    for (const s of stale) console.error(`stale: ${s.id}: ${s.problem}`);
    console.log(stale.length === 0 ? `goldens are fresh (${cases.length} cases)` : `${stale.length} stale goldens: run \`npm run goldens\``);
    return stale.length === 0 ? 0 : 1;
  }
  const start = Date.now();
  const result = writeGoldens(cases, GOLDENS_DIR);
  console.log(`wrote ${result.cases} goldens in ${result.files.length} files (${(result.bytes / 1024).toFixed(0)} KiB) to ${GOLDENS_DIR} in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return 0;
}

process.exitCode = main();
