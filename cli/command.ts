// The shape every `courier` sub-command has; cli/commands/index.ts lists them.
export interface CliCommand {
  /** First word on the command line, e.g. `hash` or `key` (which then takes `info`). */
  name: string;
  /** One line for `courier --help`. */
  summary: string;
  /** Full usage text for `courier <name> --help`. */
  usage: string;
  /** Resolves to the process exit code. Errors meant for the user are printed, never thrown. */
  run(args: string[]): Promise<number>;
}

/** A user-facing failure: printed as `courier: <message>` with the given exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}
