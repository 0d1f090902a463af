// Registers the service worker that makes the app work offline, and tells the UI when an update waits.
import { signal } from '@preact/signals';
import { Workbox } from 'workbox-window';

export type OfflineState = 'unsupported' | 'installing' | 'ready' | 'update-waiting';
export const offlineState = signal<OfflineState>('installing');
let workbox: Workbox | undefined;

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) {
    offlineState.value = 'unsupported';
    return;
  }
  workbox = new Workbox('/sw.js', { type: 'module' });
  workbox.addEventListener('waiting', () => (offlineState.value = 'update-waiting'));
  workbox.addEventListener('controlling', () => {
    if (offlineState.value === 'update-waiting') window.location.reload();
  });
  void workbox.register().then(async () => {
    await navigator.serviceWorker.ready;
    if (offlineState.value !== 'update-waiting') offlineState.value = 'ready';
  });
}

export function applyUpdate(): void {
  workbox?.messageSkipWaiting();
}
