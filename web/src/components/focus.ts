// Focus follows the result of an action (WCAG 2.4.3): when a job ends, the element that started it
// is often gone or disabled, and the browser would drop focus to the page body.
import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** True when the user's focus is nowhere in particular (the body) or inside `within`. */
export function focusIsFree(within?: Element | null): boolean {
  const active = document.activeElement;
  return !active || active === document.body || active === document.documentElement || (!!within && within.contains(active));
}

/** Moves focus to `target` (made focusable by script if it is not) and scrolls it into view. */
export function moveFocus(target: HTMLElement | null | undefined): void {
  if (!target) return;
  if (!target.hasAttribute('tabindex') && target.tabIndex < 0) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: 'nearest' });
}

/**
 * Focuses the returned ref's element each time `key` changes to a new non-null value — but only
 * when the user's focus is free or inside `scope` (never pulled away from what they are doing elsewhere).
 */
export function useFocusOn<T extends HTMLElement>(key: unknown, scope?: () => Element | null): RefObject<T | null> {
  const ref = useRef<T>(null);
  const last = useRef<unknown>(null);
  useEffect(() => {
    if (key === null || key === undefined || key === false || key === last.current) return;
    last.current = key;
    if (focusIsFree(scope?.() ?? ref.current?.closest('.screen'))) moveFocus(ref.current);
  }, [key]);
  return ref;
}
