// Text that came from a server (file names, status messages, DISCONNECT reasons, banners) is shown
// with its control characters made visible, so it can neither drive a terminal (ESC sequences,
// CR overwriting a line), nor forge a line in a log, nor hide or reorder what the user reads
// (bidirectional overrides). Printable text, accents and other scripts are left as they are.

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

// C0 controls, DEL, C1 controls, line/paragraph separators, bidi embeddings/overrides/isolates,
// and the zero-width format characters that can hide or join text.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\ufeff]/g;

function visible(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of plain, inert text: control characters as `\x1b`, `\r`, `\n`, `\u202e`. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, visible);
}
