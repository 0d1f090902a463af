// What a bench measured, for bench/results/latest.json (`npm run bench` starts it empty, each bench
// appends), so runs can be compared over time: `[{ name, value, unit, ratio, goal }]`. `ratio` is
// against the native reference of the same run (null when there is none); `goal` is the issue's
// target for that ratio (null when none).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  ratio: number | null;
  goal: number | null;
}

export const RESULTS_PATH = process.env.BENCH_RESULTS ?? 'bench/results/latest.json';

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** Appends to the results file (created if missing); values rounded to what the figures can tell. */
export function record(results: readonly BenchResult[]): void {
  const previous: BenchResult[] = existsSync(RESULTS_PATH) ? (JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as BenchResult[]) : [];
  const fresh = results.map((r) => ({
    name: r.name,
    value: round(r.value, r.value >= 100 ? 1 : 3),
    unit: r.unit,
    ratio: r.ratio === null || !Number.isFinite(r.ratio) ? null : round(r.ratio, 3),
    goal: r.goal,
  }));
  mkdirSync(dirname(RESULTS_PATH), { recursive: true });
  writeFileSync(RESULTS_PATH, `${JSON.stringify([...previous, ...fresh], null, 1)}\n`);
}

/** The machine's load when a bench starts: figures from a loaded machine are read with it. */
export function loadResult(bench: string): BenchResult {
  return { name: `${bench}: load average (1 min) at start`, value: loadavg()[0]!, unit: 'runnable tasks', ratio: null, goal: null };
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const mbps = (bytes: number, seconds: number): number => bytes / 1e6 / seconds;
