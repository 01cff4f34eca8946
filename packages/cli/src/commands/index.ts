/** Every CLI command, one flat list (help prints them in this order). */
import type { Command } from '../command';
import { inspectCommand } from './inspect';

export const COMMANDS: readonly Command[] = [inspectCommand];
