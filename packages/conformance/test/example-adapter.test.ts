/** The documented third-party example (docs/conformance.md) passes the whole suite. */
import * as fs from 'fs';
import * as path from 'path';
import { describeConformance } from '../src';
import { createFloat32Adapter } from './example-adapter';

test('example-adapter.ts is the code printed in docs/conformance.md', () => {
  const doc = fs.readFileSync(path.resolve(__dirname, '../../../docs/conformance.md'), 'utf8');
  const printed = /```ts\n\/\/ my-adapter\/src\/index\.ts\n([\s\S]*?)```/.exec(doc)?.[1];
  const file = fs.readFileSync(path.join(__dirname, 'example-adapter.ts'), 'utf8');
  expect(printed).toBeDefined();
  expect(file.endsWith(printed!)).toBe(true);
});

describeConformance(createFloat32Adapter);
