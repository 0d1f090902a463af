// Speed and time left of a transfer, shown only once they mean something: no speed in the first
// second, no estimate of time left before a few seconds of data.
const SPEED_AFTER_S = 1;
const ESTIMATE_AFTER_S = 3;

export interface Rate {
  /** Bytes per second, once a second has passed. */
  speed?: number;
  /** Seconds left, once a few seconds of data came in. */
  left?: number;
}

export function transferRate(bytes: number, total: number | undefined, startedAt: number, now: number): Rate {
  const elapsed = (now - startedAt) / 1000;
  if (elapsed < SPEED_AFTER_S || bytes <= 0) return {};
  const speed = bytes / elapsed;
  return elapsed >= ESTIMATE_AFTER_S && total !== undefined && total >= bytes ? { speed, left: (total - bytes) / speed } : { speed };
}
