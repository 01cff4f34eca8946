/** Every CLI command, one flat list (help prints them in this order). */
import type { Command } from '../command';
import { inspectCommand } from './inspect';
import { adaptersCommand } from './adapters';
import { conformanceCommand } from './conformance';
import { runCommand } from './run';
import { portCommand } from './port';
import { checkCommand } from './check';
import { reportCommand } from './report';

export const COMMANDS: readonly Command[] = [inspectCommand, adaptersCommand, conformanceCommand, runCommand, portCommand, checkCommand, reportCommand];
