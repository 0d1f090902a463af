// Every sub-command of `courier`. Add one line per command module.
import type { CliCommand } from '../command.ts';
import { hashCommand } from './hash.ts';
import { keyCommand } from './key.ts';
import { keygenCommand } from './keygen.ts';
import { uploadCommand } from './upload.ts';
import { lsCommand } from './ls.ts';
import { getCommand } from './get.ts';
import { rmCommand } from './rm.ts';
import { deliverCommand } from './deliver.ts';

export const COMMANDS: CliCommand[] = [hashCommand, keygenCommand, keyCommand, uploadCommand, lsCommand, getCommand, rmCommand, deliverCommand];
