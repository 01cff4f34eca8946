/** The PyTorch fixtures made by tools/fixtures/make_fixtures.py. */
import * as fs from 'fs';
import * as path from 'path';

export const FIXTURES = path.join(__dirname, 'fixtures');

export function fixtureNames(): string[] {
  return fs
    .readdirSync(FIXTURES)
    .filter((d) => fs.existsSync(path.join(FIXTURES, d, 'model.onnx')))
    .sort();
}
