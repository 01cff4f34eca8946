/**
 * --json failures: every command given --json reports an error as one JSON error object on
 * stdout (docs/cli.md), with the exit codes of the plain-text form; without --json the error
 * stays one line on stderr.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { internalErrorReport, type JsonErrorReport } from '../src/json-error';
import { runCli } from './helpers';

const root = path.join(__dirname, '..', '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skipconn-json-errors-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function jsonFailure(args: string[]): Promise<{ code: number; report: JsonErrorReport; stderr: string }> {
  const r = await runCli(args, root);
  let report: JsonErrorReport;
  try {
    report = JSON.parse(r.stdout) as JsonErrorReport;
  } catch {
    throw new Error(`stdout of skipconn ${args.join(' ')} is not one JSON object: ${r.stdout}${r.stderr}`);
  }
  return { code: r.code, report, stderr: r.stderr };
}

/** resnet-basic-identity with its residual's alpha set to a string: a GraphError with its facts. */
function badAttributeModel(): string {
  const graph = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'resnet-basic-identity.json'), 'utf8'));
  const merge = graph.nodes.find((n: { op: string }) => n.op === 'residual');
  merge.attrs = { ...(merge.attrs ?? {}), alpha: 'big' };
  graph.weightsFile = path.join(root, 'examples', graph.weightsFile);
  const file = path.join(tmp, 'bad-alpha.json');
  fs.writeFileSync(file, JSON.stringify(graph));
  return file;
}

describe('--json errors', () => {
  test('an unknown command', async () => {
    const { code, report, stderr } = await jsonFailure(['nosuch', '--json']);
    expect(code).toBe(2);
    expect(stderr).toBe('');
    expect(report.error).toEqual({ command: null, code: 'USAGE', message: expect.stringMatching(/^unknown command 'nosuch'; expected one of .*inspect/), exitCode: 2, details: {} });
  });

  test('an unknown option', async () => {
    const { code, report } = await jsonFailure(['inspect', 'examples/resnet-basic-identity.json', '--json', '--colour']);
    expect(code).toBe(2);
    expect(report.error.command).toBe('inspect');
    expect(report.error.code).toBe('USAGE');
    expect(report.error.message).toMatch(/unknown option --colour; expected one of .*--json/);
  });

  test('a missing model file names the file', async () => {
    const missing = path.join(tmp, 'missing.onnx');
    const { code, report } = await jsonFailure(['run', missing, '--adapter', 'reference', '--out', path.join(tmp, 'out'), '--json']);
    expect(code).toBe(2);
    expect(report.error.command).toBe('run');
    expect(report.error.message).toContain(missing);
    expect(report.error.exitCode).toBe(2);
  });

  test('an invalid attribute carries node, op, expected and received', async () => {
    const { code, report } = await jsonFailure(['inspect', badAttributeModel(), '--json']);
    expect(code).toBe(2);
    expect(report.error.code).toBe('ATTRIBUTE_INVALID');
    expect(report.error.details).toMatchObject({ node: 'layer1.0.add', op: 'residual', expected: "a finite number or 'learned'", received: '"big"' });
    expect(report.error.message).toMatch(/node 'layer1\.0\.add' \(residual\): attribute 'alpha' is invalid/);
  });

  test('port and conformance (whose --json takes a file) report usage errors as JSON too', async () => {
    const port = await jsonFailure(['port', 'examples/resnet-basic-identity.json', '--to', 'tflite', '--out', path.join(tmp, 'x'), '--json']);
    expect(port.code).toBe(2);
    expect(port.report.error).toMatchObject({ command: 'port', code: 'USAGE' });
    const conformance = await jsonFailure(['conformance', 'stray', '--json', path.join(tmp, 'r.json')]);
    expect(conformance.code).toBe(2);
    expect(conformance.report.error).toMatchObject({ command: 'conformance', code: 'USAGE', message: expect.stringMatching(/unexpected argument stray/) });
    expect(fs.existsSync(path.join(tmp, 'r.json'))).toBe(false);
  });

  test('without --json the error is one plain line on stderr', async () => {
    const r = await runCli(['inspect', badAttributeModel()], root);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^skipconn inspect: node 'layer1\.0\.add' \(residual\): attribute 'alpha' is invalid: expected a finite number or 'learned', received "big"\n$/);
  });

  test('an internal error keeps its stack in details, code INTERNAL', () => {
    const err = new TypeError('x is undefined');
    const report = internalErrorReport('run', err, 3);
    expect(report.error).toEqual({ command: 'run', code: 'INTERNAL', message: 'internal error (please report): x is undefined', exitCode: 3, details: { stack: err.stack } });
  });
});
