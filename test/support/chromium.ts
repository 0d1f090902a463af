// Real headless Chromium (Debian's) driven by playwright-core. No browser download: the test
// set-up installs Debian's `chromium`, and every network request outside 127.0.0.1 is refused.
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error('Debian package "chromium" is missing: run npm test as root or apt-get install chromium');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'],
  });
}

/** Records every request a page makes, so tests can assert none leaves 127.0.0.1. */
export function recordRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (req) => urls.push(req.url()));
  return urls;
}

export function isLocal(url: string): boolean {
  if (url.startsWith('blob:') || url.startsWith('data:')) return true;
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}
