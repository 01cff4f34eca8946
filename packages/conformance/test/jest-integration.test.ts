/**
 * describeConformance as jest sees it: a child jest runs fixtures/describe.fixture.ts and this
 * test reads its JSON results, so skipped and failed verdicts are checked as jest reports them.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

interface AssertionResult {
  readonly ancestorTitles: string[];
  readonly title: string;
  readonly status: 'passed' | 'failed' | 'pending' | 'skipped' | 'todo';
  readonly failureMessages: string[];
}

const ROOT = path.resolve(__dirname, '..', '..', '..');
// A CommonJS file outside the TypeScript program (jest.config.js loads it the same way).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { workspaceModuleNameMapper } = require(path.join(ROOT, 'tools/build/workspace-sources.cjs')) as { workspaceModuleNameMapper(): Record<string, string> };

function runFixture(env: Record<string, string>): AssertionResult[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-jest-'));
  const out = path.join(dir, 'results.json');
  const config = {
    rootDir: path.join(__dirname, 'fixtures'),
    testMatch: ['**/*.fixture.ts'],
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: path.join(ROOT, 'tsconfig.base.json') }] },
    moduleNameMapper: workspaceModuleNameMapper(),
  };
  const { REQUIRE_ADAPTERS: _ignored, ...parentEnv } = process.env;
  const child = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--json', '--outputFile', out, '--ci'], {
    cwd: ROOT,
    env: { ...parentEnv, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (!fs.existsSync(out)) throw new Error(`child jest wrote no results (exit ${child.status}):\n${child.stderr}`);
  const json = JSON.parse(fs.readFileSync(out, 'utf8')) as { testResults: { assertionResults: AssertionResult[]; message: string }[] };
  fs.rmSync(dir, { recursive: true, force: true });
  const file = json.testResults[0]!;
  if (file.assertionResults.length === 0) throw new Error(`fixture did not run: ${file.message}`);
  return file.assertionResults;
}

function block(results: AssertionResult[], adapter: string): AssertionResult[] {
  return results.filter((r) => r.ancestorTitles[0] === `conformance: ${adapter}`);
}

describe('describeConformance under jest', () => {
  let plain: AssertionResult[];
  let required: AssertionResult[];
  beforeAll(() => {
    plain = runFixture({});
    required = runFixture({ REQUIRE_ADAPTERS: 'other-adapter,fake:unavailable' });
  }, 180_000);

  test('an unavailable adapter gives exactly one skipped test whose title carries the reason', () => {
    const tests = block(plain, 'fake:unavailable');
    expect(tests).toHaveLength(1);
    expect(tests[0]!.status).toBe('pending');
    expect(tests[0]!.title).toContain('no GPU here');
    expect(tests[0]!.title).toContain('install the fake runtime');
  });

  test('REQUIRE_ADAPTERS turns the unavailable adapter into one failing test', () => {
    const tests = block(required, 'fake:unavailable');
    expect(tests).toHaveLength(1);
    expect(tests[0]!.status).toBe('failed');
    expect(tests[0]!.failureMessages.join('\n')).toContain('fake:unavailable is required by REQUIRE_ADAPTERS but unavailable: no GPU here');
  });

  test('one test per case: a wrong adapter fails with the worst index; its listed case is expected-fail (passes)', () => {
    const tests = block(plain, 'fake:wrong');
    const byTitle = new Map(tests.map((t) => [t.title, t]));
    expect(byTitle.get('adapter is available')?.status).toBe('passed');
    expect(byTitle.get('merge/residual/literal/plain/NC/[2,2]')?.status).toBe('passed');
    const deep = byTitle.get('merge/residual/literal/deepnorm/NC/[1,3]')!;
    expect(deep.status).toBe('failed');
    expect(deep.failureMessages.join('\n')).toContain('worst at [0,0]: got 4, want 3');
    expect(byTitle.get('merge/concat/literal/NC/[2,2]+[2,1]')?.status).toBe('failed');
  });

  test('an expect-fail case that passes fails', () => {
    const tests = block(plain, 'fake:wrong-xfail-pass');
    const t = tests.find((x) => x.title === 'op/reshape/zero-size/none/[0,6]')!;
    expect(t.status).toBe('failed');
    expect(t.failureMessages.join('\n')).toContain('but passed: remove it from the expect-fail list');
  });

  test('a leaking adapter fails every case with the resource counts', () => {
    const tests = block(plain, 'fake:leak').filter((t) => t.title !== 'adapter is available');
    expect(tests.length).toBeGreaterThan(0);
    for (const t of tests) {
      expect(t.status).toBe('failed');
      expect(t.failureMessages.join('\n')).toContain('leak: resources before the case');
    }
  });

  test('cases with unsupported ops are skipped with the reason in the title', () => {
    const tests = block(plain, 'fake:no-gate').filter((t) => t.title !== 'adapter is available');
    expect(tests.length).toBe(2);
    for (const t of tests) {
      expect(t.status).toBe('pending');
      expect(t.title).toContain('[skipped: fake:no-gate does not support gate (float32): declared unsupported by the fake]');
    }
  });

  test('an async factory works (title falls back to "adapter")', () => {
    const tests = block(plain, 'adapter');
    expect(tests.length).toBe(3);
    expect(tests.every((t) => t.status === 'passed')).toBe(true);
  });
});
