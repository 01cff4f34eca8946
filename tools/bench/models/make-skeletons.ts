/**
 * Makes the whole models' skeletons (exporting the models first where needed), without a GPU:
 * `npx tsx tools/bench/models/make-skeletons.ts [--sizes full,small] [--models-dir DIR]`.
 * tools/gpu/build.cjs runs it before packing the skeletons.
 */
import { DEFAULT_MODELS_DIR, MODEL_NAMES, ensureSkeleton, type ModelSize } from './models';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const sizes = (arg('--sizes') ?? 'full,small').split(',');
const bad = sizes.filter((s) => s !== 'full' && s !== 'small');
if (bad.length > 0) {
  console.error(`--sizes: expected full and/or small, received ${bad.join(',')}`);
  process.exit(2);
}
const dir = arg('--models-dir') ?? DEFAULT_MODELS_DIR;
let failed = 0;
for (const size of sizes as ModelSize[]) {
  for (const name of MODEL_NAMES) {
    try {
      console.log(`${size}/${name}: ${ensureSkeleton(dir, size, name)}`);
    } catch (err) {
      failed++;
      console.error(`${size}/${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
process.exitCode = failed > 0 ? 1 : 0;
