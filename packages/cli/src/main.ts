/**
 * skipconn CLI entry. Exit codes: 0 success, 1 a check failed, 2 bad input or usage.
 * User errors (SkipconnError) print one line without a stack trace; anything else is a bug and
 * prints its stack so it can be reported. With --json, either is one JSON error object instead
 * (json-error.ts).
 */
import { isUserError } from '@skipconn/core';
import { EXIT_USAGE, UsageError, type Command, type CommandIO } from './command';
import { COMMANDS } from './commands';
import { internalErrorReport, userErrorReport, wantsJson } from './json-error';

/** A bug in skipconn (not a SkipconnError). */
const EXIT_INTERNAL = 3;

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'skipconn: portable skip connections',
    '',
    'usage: skipconn <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'skipconn <command> --help' for a command's options.",
  ].join('\n');
}

export function defaultIO(): CommandIO {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    isTTY: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
  };
}

export async function main(argv: readonly string[], io: CommandIO = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const json = wantsJson(rest);
  const command: Command | undefined = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    const message = `unknown command '${name}'; expected one of ${COMMANDS.map((c) => c.name).join(', ')}`;
    if (json) io.out(JSON.stringify(userErrorReport(null, new UsageError(message), EXIT_USAGE), null, 2));
    else io.err(`skipconn: ${message}`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    // With --json, a failure is one JSON error object on stdout, where the command's JSON would be.
    if (isUserError(err)) {
      if (json) io.out(JSON.stringify(userErrorReport(name, err, EXIT_USAGE), null, 2));
      else io.err(`skipconn ${name}: ${err.message}`);
      return EXIT_USAGE;
    }
    if (json) io.out(JSON.stringify(internalErrorReport(name, err, EXIT_INTERNAL), null, 2));
    else io.err(`skipconn ${name}: internal error (please report): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return EXIT_INTERNAL;
  }
}
