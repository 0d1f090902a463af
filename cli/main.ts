import { COMMANDS } from './commands/index.ts';
import { CliError } from './command.ts';
import { print, printError } from './output.ts';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'SFTP Courier — hash, keys and SFTP delivery from the command line.',
    '',
    'Usage: npx courier <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `npx courier <command> --help` for the options of one command.',
    'Secrets (passphrases, passwords) are read from files or a prompt, never from the command line.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const detail = name === 'help' && rest[0] ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    print(detail ? detail.usage : overview());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    printError(`courier: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    print(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      printError(`courier ${name}: ${err.message}`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      printError(`courier ${name}: ${message}\n\n${command.usage}`);
      return 2;
    }
    printError(`courier ${name}: unexpected error: ${message}`);
    return 1;
  }
}
