// Headless Chromium driven over plain CDP, the way a user's browser runs: no driver
// instrumentation on the page or its workers. Playwright enables the `Network` domain on every
// page and worker, so Chromium reports each WebSocket frame to the driver (a third of the upload
// throughput in measurements.md). Here only Target (open and attach a tab), Page (navigate) and
// Runtime (evaluate) are used; a worker is attached only to sample it with the Profiler domain
// (bench/profile-worker.ts), never with Network. CPU is read from /proc for every process of the
// browser.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { endWithThisProcess } from './child-guard.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = ['--headless', '--remote-debugging-port=0', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync', '--no-default-browser-check'];

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  method: string;
}

/** One CDP WebSocket: commands (optionally for an attached session) and their replies. */
class CdpConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private readonly listeners = new Set<(method: string, params: unknown, sessionId?: string) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { id?: number; method?: string; params?: unknown; sessionId?: string; result?: unknown; error?: { message: string; data?: string } };
      if (msg.id === undefined) {
        for (const l of this.listeners) l(msg.method ?? '', msg.params, msg.sessionId);
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}${msg.error.data ? ` (${msg.error.data})` : ''}`));
      else p.resolve(msg.result);
    });
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error(`${p.method}: browser connection closed`));
      this.pending.clear();
    });
  }

  static open(url: string): Promise<CdpConnection> {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
    return new Promise((ok, fail) => {
      ws.once('open', () => ok(new CdpConnection(ws)));
      ws.once('error', fail);
    });
  }

  /** The first event `method` (of `sessionId`'s target) whose params pass `accept`. */
  once<T>(method: string, accept: (params: T) => boolean, sessionId?: string): Promise<T> {
    return new Promise((resolve) => {
      const l = (m: string, params: unknown, s?: string) => {
        if (m !== method || s !== sessionId || !accept(params as T)) return;
        this.listeners.delete(l);
        resolve(params as T);
      };
      this.listeners.add(l);
    });
  }

  send<T>(method: `${'Target' | 'Page' | 'Runtime' | 'Profiler'}.${string}`, params: object = {}, sessionId?: string): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      this.ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

export interface CdpPage {
  /** Evaluates `expression` in the page (promises awaited); returns its value as JSON. */
  evaluate<T>(expression: string): Promise<T>;
  /** Calls `window[fn](...args)` in the page and returns the result (JSON in, JSON out). */
  call<T>(fn: string, ...args: unknown[]): Promise<T>;
  navigate(url: string): Promise<void>;
  reload(): Promise<void>;
  /** Polls until `expression` is truthy (default 30 s). */
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
  /**
   * Starts V8's sampling profiler in the page's dedicated worker (attached for the Profiler
   * domain only); `stop` returns the profile (the .cpuprofile format of DevTools).
   */
  profileWorker(intervalUs?: number): Promise<{ stop(): Promise<CpuProfile> }>;
}

/** DevTools' CPU profile: a call tree of nodes, and the node on top of the stack at each sample. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface CdpBrowser {
  /** The root of the browser's process tree (its `timeout` guard; every browser process descends from it). */
  pid: number;
  newPage(url?: string): Promise<CdpPage>;
  /** CPU seconds (user + system) used so far by all processes of this browser, read from /proc. */
  cpuSeconds(): number;
  /** Resident memory of all its processes, MiB. */
  rssMiB(): number;
  close(): Promise<void>;
}

const TICKS = 100; // USER_HZ

function statFields(pid: number): string[] | null {
  try {
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** `pid` and all its descendants, from /proc (fields[1] of stat is the parent). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (!f) continue;
    const ppid = Number(f[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/**
 * CPU seconds of a process tree: utime + stime of each live process, plus cutime + cstime (the
 * children it already reaped), so a helper process that ended in between still counts.
 */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    const f = statFields(p);
    if (f) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  }
  return ticks / TICKS;
}

export function treeRssMiB(pid: number): number {
  let kib = 0;
  for (const p of processTree(pid)) {
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // ended meanwhile
    }
  }
  return kib / 1024;
}

export async function launchCdpChromium(extraArgs: string[] = []): Promise<CdpBrowser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error('Debian package "chromium" is missing: apt-get install chromium');
  const profile = mkdtempSync(join(tmpdir(), 'courier-bench-chromium-'));
  // `timeout` ends the browser should this process die without closing it; it forwards SIGTERM.
  const child: ChildProcess = spawn('timeout', ['-s', 'KILL', '7200', CHROMIUM_PATH, ...ARGS, `--user-data-dir=${profile}`, ...extraArgs, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  endWithThisProcess(child.pid!);
  const killNow = () => child.kill('SIGKILL');
  process.once('exit', killNow);
  const wsUrl = await new Promise<string>((ok, fail) => {
    let err = '';
    const timer = setTimeout(() => fail(new Error(`Chromium gave no DevTools URL within 30 s: ${err.slice(-2000)}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    });
    child.once('exit', (code) => fail(new Error(`Chromium exited (${code}): ${err.slice(-2000)}`)));
  });
  child.stderr!.resume();
  const cdp = await CdpConnection.open(wsUrl);
  const pid = child.pid!;

  async function newPage(url = 'about:blank'): Promise<CdpPage> {
    const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
    const evaluate = async <T>(expression: string): Promise<T> => {
      const r = await cdp.send<{ result: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string } } }>(
        'Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
      if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
      return r.result.value as T;
    };
    const page: CdpPage = {
      evaluate,
      call: <T>(fn: string, ...args: unknown[]) => evaluate<T>(`window[${JSON.stringify(fn)}](...${JSON.stringify(args)})`),
      async navigate(to) {
        const r = await cdp.send<{ errorText?: string }>('Page.navigate', { url: to }, sessionId);
        if (r.errorText) throw new Error(`navigate ${to}: ${r.errorText}`);
      },
      async reload() {
        await cdp.send('Page.reload', { ignoreCache: false }, sessionId);
      },
      async waitFor(expression, timeoutMs = 30_000) {
        const until = Date.now() + timeoutMs;
        for (;;) {
          // Right after a navigation the old document may answer, or none: retry until it holds.
          const ok = await evaluate<boolean>(`!!(${expression})`).catch(() => false);
          if (ok) return;
          if (Date.now() > until) throw new Error(`timed out waiting for ${expression}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      async profileWorker(intervalUs = 250) {
        const attached = cdp.once<{ sessionId: string; targetInfo: { type: string } }>('Target.attachedToTarget', (p) => p.targetInfo.type === 'worker', sessionId);
        await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true }, sessionId);
        const worker = (await attached).sessionId;
        await cdp.send('Profiler.enable', {}, worker);
        await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs }, worker);
        await cdp.send('Profiler.start', {}, worker);
        return {
          async stop() {
            const { profile } = await cdp.send<{ profile: CpuProfile }>('Profiler.stop', {}, worker);
            await cdp.send('Profiler.disable', {}, worker);
            // Turning auto-attach off detaches the worker's session too (an explicit detach then finds no session).
            await cdp.send('Target.setAutoAttach', { autoAttach: false, waitForDebuggerOnStart: false, flatten: true }, sessionId);
            return profile;
          },
        };
      },
    };
    if (url !== 'about:blank') await page.navigate(url);
    return page;
  }

  return {
    pid,
    newPage,
    cpuSeconds: () => treeCpuSeconds(pid),
    rssMiB: () => treeRssMiB(pid),
    async close() {
      process.removeListener('exit', killNow);
      cdp.close();
      if (child.exitCode === null) {
        const exited = new Promise((ok) => child.once('exit', ok));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
