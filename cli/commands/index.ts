// Every sub-command of `courier`. Add one line per command module.
import type { CliCommand } from '../command.ts';
import { hashCommand } from './hash.ts';

export const COMMANDS: CliCommand[] = [hashCommand];
