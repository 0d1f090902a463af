// Messages of a download streamed through the service worker (browsers without
// showSaveFilePicker, e.g. Firefox): the page registers the download with the service worker, then
// opens its URL in a hidden frame; the service worker answers with a streamed download response fed
// over a MessagePort by the session worker, one chunk per credit, so memory stays flat.

/** Page → service worker, with the port the session worker will feed and a port for the answer. */
export interface DownloadRegistration {
  type: 'courier-download';
  id: string;
  /** File name offered to the browser's download manager (already made safe for the local disk). */
  name: string;
}

/** Page → service worker while downloads run: keeps a service worker that streams from being stopped as idle. */
export interface DownloadKeepAlive {
  type: 'courier-download-keepalive';
}

/** Service worker → page on the answer port: the download can be opened. */
export interface DownloadRegistered {
  type: 'registered';
  url: string;
}

/** Service worker → session worker. */
export type StreamDemand =
  /** Room for `n` more chunks. */
  | { type: 'pull'; n: number }
  /** The browser's download was cancelled (by the user in its download list, or the frame went away). */
  | { type: 'cancel' };

/** Session worker → service worker. */
export type StreamSupply =
  /**
   * The size the server announced when the file was opened, before any byte: the response is sent
   * with it as Content-Length, so the browser shows progress and refuses a file that ends short.
   */
  | { type: 'size'; size?: number }
  | { type: 'chunk'; data: ArrayBuffer }
  | { type: 'end' }
  /** The download failed: the browser's download is marked failed, no file is left complete. */
  | { type: 'error'; code: string };

/** The path the service worker answers downloads on (never cached, never the app shell). */
export const DOWNLOAD_PATH = '/courier-download/';
