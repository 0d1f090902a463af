// Remote paths are POSIX-style on every SFTP server we meet: one `/` between folder and name.

/** `folder/name`; just `name` for the login folder ('', '.' or none). */
export function joinRemotePath(folder: string | undefined, name: string): string {
  if (!folder || folder === '.') return name;
  return folder.endsWith('/') ? `${folder}${name}` : `${folder}/${name}`;
}
