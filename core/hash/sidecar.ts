// The `.hash` control file ("HashSidecar") next to each data file: its name, its content, and a
// tolerant reader for what FCIV, sha1sum, PowerShell, certutil and spreadsheet macros write.
import { HEX_LENGTH, type HashAlgorithm } from './digest.ts';

export const SIDECAR_SUFFIX = '.hash';

/** hex: the bare lowercase digest (default); sha1sum: `<hex>  <name>` + LF; fciv: FCIV 2.05 output, CRLF. */
export type SidecarStyle = 'hex' | 'sha1sum' | 'fciv';
export const SIDECAR_STYLES: readonly SidecarStyle[] = ['hex', 'sha1sum', 'fciv'];

export function isSidecarStyle(value: string): value is SidecarStyle {
  return (SIDECAR_STYLES as readonly string[]).includes(value);
}

export function sidecarName(dataName: string): string {
  return dataName + SIDECAR_SUFFIX;
}

export function isSidecarName(name: string): boolean {
  return name.toLowerCase().endsWith(SIDECAR_SUFFIX) && name.length > SIDECAR_SUFFIX.length;
}

export function dataNameOf(sidecar: string): string {
  return sidecar.slice(0, -SIDECAR_SUFFIX.length);
}

/** The base name of a path as Windows or POSIX tools may write it. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

export function formatSidecar(hex: string, dataName: string, style: SidecarStyle): string {
  const digest = hex.toLowerCase();
  const name = baseName(dataName);
  switch (style) {
    case 'hex':
      return digest;
    case 'sha1sum':
      return `${digest}  ${name}\n`;
    case 'fciv':
      // FCIV lowercases the path it prints; its output redirected on Windows has CRLF.
      return `//\r\n// File Checksum Integrity Verifier version 2.05.\r\n//\r\n${digest} ${name.toLowerCase()}\r\n`;
  }
}

export type SidecarParse =
  | { ok: true; hex: string; algorithm: HashAlgorithm; name?: string }
  | { ok: false; reason: 'no-digest' };

const DIGEST_TOKEN = /(?<![0-9a-f])([0-9a-f]{64}|[0-9a-f]{40})(?![0-9a-f])/i;
const TAGGED = /^(SHA1|SHA256|SHA-1|SHA-256)\s*\((.*)\)\s*=\s*([0-9a-f]+)\s*$/i;

/**
 * Read a `.hash` file written by any of the tools users know. Ignores a BOM, `//` and `#`
 * comment lines, header rows and surrounding white space, accepts either case and any line end,
 * and takes the first 40- or 64-hex-digit token; a file name after it is returned for checking.
 */
export function parseSidecar(text: string): SidecarParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('//') || line.startsWith('#')) continue;
    const tagged = TAGGED.exec(line);
    if (tagged) {
      const hex = (tagged[3] ?? '').toLowerCase();
      const algorithm = hex.length === HEX_LENGTH.sha1 ? 'sha1' : hex.length === HEX_LENGTH.sha256 ? 'sha256' : undefined;
      if (algorithm) return { ok: true, hex, algorithm, name: tagged[2] };
      continue;
    }
    const match = DIGEST_TOKEN.exec(line);
    if (!match || match.index === undefined) continue;
    const hex = (match[1] ?? '').toLowerCase();
    const algorithm: HashAlgorithm = hex.length === HEX_LENGTH.sha1 ? 'sha1' : 'sha256';
    // sha1sum: `<hex>  name` or `<hex> *name` (binary mode); FCIV: `<hex> name`;
    // PowerShell's table: `SHA1  <HEX>  C:\path\name`.
    const after = line.slice(match.index + hex.length).replace(/^\s+\*?/, '').trim();
    return after ? { ok: true, hex, algorithm, name: after } : { ok: true, hex, algorithm };
  }
  return { ok: false, reason: 'no-digest' };
}

/** A name written in a `.hash` file matches the data file when the base names agree, ignoring case (FCIV lowercases). */
export function sidecarNameMatches(writtenName: string, dataName: string): boolean {
  return baseName(writtenName).toLowerCase() === baseName(dataName).toLowerCase();
}
