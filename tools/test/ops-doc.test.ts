import * as fs from 'fs';
import { OPS_DOC, renderOpsDoc } from '../ops-doc';

it('docs/ops.md matches the op definitions (regenerate: npx tsx tools/ops-doc.ts)', () => {
  expect(fs.readFileSync(OPS_DOC, 'utf8')).toBe(renderOpsDoc());
});
