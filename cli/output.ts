// Everything the CLI prints goes through here: each line with its control characters made visible
// (core/text/control-chars.ts), so a file name or a server's message with ESC, CR or NUL cannot
// drive the terminal or forge a line of output. Our own line breaks are kept.
import { escapeControls } from '../core/text/control-chars.ts';

function lines(text: string): string {
  return text.split('\n').map(escapeControls).join('\n');
}

/** A line (or lines) of normal output, to stdout. */
export function print(text: string): void {
  process.stdout.write(`${lines(text.replace(/\n$/, ''))}\n`);
}

/** A line (or lines) of diagnostics, to stderr. */
export function printError(text: string): void {
  process.stderr.write(`${lines(text.replace(/\n$/, ''))}\n`);
}
