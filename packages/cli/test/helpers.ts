/** Runs the CLI in-process with captured output; small graphs the CLI tests share. */
import { GraphBuilder, randomTensor } from '@skipconn/core';
import { main } from '../src/main';

/** The smallest model worth a file: x [1,3] NC -> dense 'fc' (seeded weights) -> [1,2]. */
export function tinyDenseGraph() {
  const b = new GraphBuilder('dense');
  const x = b.input('x', [1, 3], { layout: 'NC' });
  b.output(b.node('dense', [x, b.weight('w', randomTensor([2, 3], 5))], {}, 'fc'));
  return b.build();
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], cwd = process.cwd()): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (t) => {
      stdout += t.endsWith('\n') ? t : `${t}\n`;
    },
    err: (t) => {
      stderr += t.endsWith('\n') ? t : `${t}\n`;
    },
    isTTY: false,
    cwd,
  });
  return { code, stdout, stderr };
}
