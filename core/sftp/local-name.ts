// A file name that came from a server, made into one safe local file name on every platform:
// never a path (no '/', '\\', drive letter, '..'), nothing Windows refuses or treats specially
// (reserved device names, trailing dots and spaces, <>:"|?*), no control characters.

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const FORBIDDEN = /[<>:"|?*\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const MAX_UTF8_BYTES = 240;

function truncateUtf8(name: string, max: number): string {
  const enc = new TextEncoder();
  if (enc.encode(name).byteLength <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let stem = name.slice(0, name.length - ext.length);
  while (stem.length > 0 && enc.encode(stem + ext).byteLength > max) stem = [...stem].slice(0, -1).join('');
  return stem + ext;
}

/**
 * The last component of `remote` (split on both '/' and '\\'), cleaned; `fallback` when nothing
 * usable is left (an empty name, '.', '..').
 */
export function safeLocalName(remote: string, fallback = 'download'): string {
  let name = remote.split(/[/\\]/).filter((part) => part !== '').pop() ?? '';
  name = name.replace(/^[a-zA-Z]:/, ''); // "C:evil.lnk": relative to a drive's current folder
  name = name.normalize('NFC').replace(FORBIDDEN, '_');
  name = name.replace(/[. ]+$/, ''); // Windows drops trailing dots and spaces: "x.lnk." is "x.lnk"
  name = name.replace(/^\s+/, '');
  if (name === '' || /^\.+$/.test(name)) return fallback;
  if (RESERVED.test(name)) name = `_${name}`;
  return truncateUtf8(name, MAX_UTF8_BYTES);
}
