// One polite live region for the whole app: outcomes ("3 files hashed", "delivery finished") are
// announced once through `announce`, while progress text that changes every few hundred
// milliseconds stays out of live regions (a screen reader would read every tick).
import { signal } from '@preact/signals';

const message = signal<{ text: string; n: number }>({ text: '', n: 0 });

/** Says `text` to screen-reader users; the same text twice is said twice. */
export function announce(text: string): void {
  message.value = { text, n: message.value.n + 1 };
}

export function Announcer() {
  const m = message.value;
  // A new key per message re-creates the node, so a repeated text is announced again.
  return (
    <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
      <span key={m.n}>{m.text}</span>
    </div>
  );
}
