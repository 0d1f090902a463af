// The folder on screen: what the file list shows is where a delivery goes (as in WinSCP and
// Cyberduck). A profile with an upload folder (RIVM: incoming/) keeps the user inside it.
import { signal } from '@preact/signals';
import type { ServerProfile } from '../../../../core/delivery/profile.ts';
import { joinRemotePath } from '../../../../core/sftp/remote-path.ts';

/** Where the user may browse and deliver: the whole server from the login folder, or a fixed folder. */
export interface UploadArea {
  root: string;
  /** The profile names the folder deliveries go into: browsing stays inside it. */
  fixed: boolean;
}

/** The folder the file list shows, per session; kept outside the panels so a visit to another screen keeps it. */
const shown = signal<{ session: object | null; path: string }>({ session: null, path: '' });

/** The folder on screen for this session: the area's root until the user opens another. */
export function folderShown(session: object, area: UploadArea): string {
  const s = shown.value;
  return s.session === session ? s.path : area.root;
}

export function showFolder(session: object, path: string): void {
  shown.value = { session, path };
}

export function uploadArea(home: string, profile: Pick<ServerProfile, 'uploadFolder'> | null): UploadArea {
  const folder = profile?.uploadFolder.replace(/^\/+|\/+$/g, '') ?? '';
  return folder ? { root: joinRemotePath(home, folder), fixed: true } : { root: home, fixed: false };
}

const trimmed = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

/** The parent of a remote folder (`/` has none above it). */
export function parentFolder(dir: string): string {
  const d = trimmed(dir);
  const i = d.lastIndexOf('/');
  return i <= 0 ? (d.startsWith('/') ? '/' : '') : d.slice(0, i);
}

/** `path` is `root` or inside it. */
export function isWithin(root: string, path: string): boolean {
  const r = trimmed(root);
  const p = trimmed(path);
  return !root || p === r || p.startsWith(r === '/' ? '/' : `${r}/`);
}

/** The user may go up from `path`: not above the server's root, nor out of a fixed upload folder. */
export function canGoUp(area: UploadArea, path: string): boolean {
  if (trimmed(path) === '/' || path === '') return false;
  return !area.fixed || (isWithin(area.root, path) && trimmed(path) !== trimmed(area.root));
}
