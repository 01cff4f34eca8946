/** Runs the CLI in-process with captured output. */
import { main } from '../src/main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], cwd = process.cwd()): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (t) => { stdout += t.endsWith('\n') ? t : `${t}\n`; },
    err: (t) => { stderr += t.endsWith('\n') ? t : `${t}\n`; },
    isTTY: false,
    cwd,
  });
  return { code, stdout, stderr };
}
