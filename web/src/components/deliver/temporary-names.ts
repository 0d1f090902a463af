// Our own upload temporaries (`.X.courier-part`, see core/sftp/upload.ts temporaryName), told
// apart from the user's files in a listing.
import { temporaryName } from '../../../../core/sftp/upload.ts';

const SUFFIX = temporaryName('').slice(1);

/** X for `.X.courier-part`; null for any other name. */
export function temporaryDataName(name: string): string | null {
  if (!name.startsWith('.') || !name.endsWith(SUFFIX) || name.length <= SUFFIX.length + 1) return null;
  const data = name.slice(1, -SUFFIX.length);
  return temporaryName(data) === name ? data : null;
}
