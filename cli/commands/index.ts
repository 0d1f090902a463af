// Every sub-command of `courier`. Add one line per command module.
import type { CliCommand } from '../command.ts';
import { hashCommand } from './hash.ts';
import { keyCommand } from './key.ts';
import { keygenCommand } from './keygen.ts';

export const COMMANDS: CliCommand[] = [hashCommand, keygenCommand, keyCommand];
