/**
 * The proof behind docs/architecture.md "How to add an op": add a throwaway op to core's
 * vocabulary (in memory, nothing on disk changes), type-check the sources, and check that the
 * compiler names exactly the per-backend tables that must answer for it, each with a "missing
 * property" error for that op, and nothing else.
 */
import * as path from 'path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const OPS_INDEX = path.join(ROOT, 'packages/core/src/ops/index.ts');
const THROWAWAY = 'throwawayOpForTheAddOpTest';

/** Every table keyed by OpType, relative to the repository root: what the docs list. */
const TABLES = [
  'packages/core/src/reference/kernels/index.ts',
  'packages/onnx/src/export/index.ts',
  'packages/tfjs/src/kernels/index.ts',
  'packages/tfjs/src/layers-model/export/plan.ts',
  'packages/webgpu/src/plan/ops.ts',
];

/** ops/index.ts with one more unary op at the end of OPS. */
function withThrowawayOp(source: string): string {
  const end = source.indexOf('] as const;');
  if (end < 0) throw new Error(`${OPS_INDEX}: no '] as const;' closing OPS`);
  return `import { unaryOp as __unaryOp } from './unary';\nconst ${THROWAWAY} = __unaryOp('${THROWAWAY}', 'y = x (exists only in this test)');\n${source.slice(0, end)}  ${THROWAWAY},\n${source.slice(end)}`;
}

function diagnosticsWithThrowawayOp(): readonly ts.Diagnostic[] {
  const configPath = path.join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  // Sources only: tests and tools follow the sources' types, the tables live in src.
  const rootNames = parsed.fileNames.filter((f) => /\/packages\/[^/]+\/src\//.test(f));
  const host = ts.createCompilerHost(parsed.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => {
    const text = readFile(file);
    return text !== undefined && path.resolve(file) === OPS_INDEX ? withThrowawayOp(text) : text;
  };
  const program = ts.createProgram({ rootNames, options: { ...parsed.options, noEmit: true, incremental: false }, host });
  return ts.getPreEmitDiagnostics(program);
}

test('adding an op to core makes tsc name every per-op table, and only those', () => {
  const diagnostics = diagnosticsWithThrowawayOp();
  const byFile = new Map<string, string[]>();
  for (const d of diagnostics) {
    const file = d.file === undefined ? '(no file)' : path.relative(ROOT, d.file.fileName);
    const list = byFile.get(file) ?? [];
    list.push(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    byFile.set(file, list);
  }
  const unexpected = [...byFile].filter(([file]) => !TABLES.includes(file)).map(([file, m]) => `${file}: ${m.join(' / ')}`);
  expect(unexpected).toEqual([]);
  expect([...byFile.keys()].sort()).toEqual([...TABLES].sort());
  for (const file of TABLES) {
    const messages = byFile.get(file)!;
    expect([file, messages.every((m) => m.includes(`Property '${THROWAWAY}' is missing`))]).toEqual([file, true]);
  }
}, 600_000);
