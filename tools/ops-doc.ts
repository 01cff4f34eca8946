/**
 * docs/ops.md is generated from the op definitions so it cannot drift: `npx tsx tools/ops-doc.ts`.
 * tools/test/ops-doc.test.ts fails when the committed file is stale.
 */
import * as path from 'path';
import { OPS } from '@skipconn/core';
import { writeFileAtomic } from '@skipconn/core/node';

export const OPS_DOC = path.join(__dirname, '..', 'docs', 'ops.md');

export function renderOpsDoc(): string {
  const rows = OPS.map((op) => `| \`${op.type}\` | ${op.category} | ${op.inputNames.map((n) => `\`${n}\``).join(', ')} | ${op.summary.replace(/\|/g, '\\|')} |`);
  return [
    '# Op vocabulary',
    '',
    'Generated from `packages/core/src/ops/` by `npx tsx tools/ops-doc.ts`; each op file states its',
    'exact semantics, attributes and errors in its header comment. Inputs ending in `?` are optional,',
    '`...` is variadic. Merge ops (the skip connections) are specified in [spec.md](spec.md).',
    '',
    '| op | category | inputs | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (require.main === module) {
  writeFileAtomic(OPS_DOC, renderOpsDoc());
  console.log(`wrote ${path.relative(process.cwd(), OPS_DOC)} (${OPS.length} ops)`);
}
