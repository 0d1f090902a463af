// Speed and time left for a running job, only once they mean something: no speed for a job under
// a second (a tiny file "at 5,7 kB/s"), and no time left before a few seconds of data (a first
// estimate of 56 minutes for a 7-second upload).
import { formatBytes, formatDuration, t } from './index.ts';

export const SPEED_AFTER_MS = 1000;
export const ESTIMATE_AFTER_MS = 3000;

export interface ProgressSample {
  /** When bytes started to flow (not when the job was queued or the connection opened). */
  since: number;
  now: number;
  done: number;
  total: number;
}

/** `5,7 MB/s`, or undefined under a second. */
export function speedText({ since, now, done }: ProgressSample): string | undefined {
  const ms = now - since;
  return ms >= SPEED_AFTER_MS && done > 0 ? t('progress.speed', { speed: formatBytes((done / ms) * 1000) }) : undefined;
}

/** `nog 42 s`, or "estimating…" while there is too little data. */
export function timeLeftText({ since, now, done, total }: ProgressSample): string {
  const ms = now - since;
  if (ms < ESTIMATE_AFTER_MS || done <= 0) return t('progress.estimating');
  return t('progress.left', { left: formatDuration(((total - done) / done) * (ms / 1000)) });
}

/** The parts of a progress line that follow the counts, for joining with " · ". */
export function rateParts(sample: ProgressSample): string[] {
  const speed = speedText(sample);
  return sample.done >= sample.total ? (speed ? [speed] : []) : [...(speed ? [speed] : []), timeLeftText(sample)];
}
