// A password-guessing loop against the demo target through the real gateway process, as an
// attacker would run it: a plain Node client with the expected Origin, as fast as it can, for two
// seconds. Without brakes it gets hundreds of guesses; with them, a handful: the admitted relays
// stay within the configured budget (free attempts + one per doubling back-off), computed from
// the time that really passed, so a slow machine can only make the count smaller.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { WebSocket, createWebSocketStream } from 'ws';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process.ts';

const running: GatewayProcess[] = [];
after(async () => {
  await Promise.all(running.map((g) => g.stop()));
});

const MAX_AUTH_TRIES = 3;

async function demoGateway(loginBrakes: Record<string, unknown>): Promise<GatewayProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'courier-guess-'));
  const g = await spawnGateway({
    allowClients: ['127.0.0.0/8'],
    // The per-address connection rate limit would hide what the brakes do: lift it here.
    limits: { connectBurst: 10_000, connectsPerMinute: 600_000 },
    loginBrakes,
    demo: { enabled: true, port: 0, dataDir, targetId: 'demo', username: 'demo', password: 'demo-password', maxAuthTries: MAX_AUTH_TRIES },
  });
  running.push(g);
  return g;
}

interface Tally {
  relays: number;
  refused: Record<string, number>;
  guesses: number;
  found: boolean;
}

/** One connection: wrong passwords until the server hangs up (or the gateway refuses the relay). */
function oneConnection(g: GatewayProcess, localAddress: string, tally: Tally): Promise<void> {
  return new Promise((done) => {
    const ws = new WebSocket(`ws://127.0.0.1:${g.port}/relay?target=demo`, { origin: `http://127.0.0.1:${g.port}`, localAddress, perMessageDeflate: false });
    ws.on('error', () => undefined);
    let opened = false;
    ws.once('close', (_code, reason) => {
      if (!opened && reason.length > 0) tally.refused[reason.toString()] = (tally.refused[reason.toString()] ?? 0) + 1;
    });
    ws.once('open', () => {
      const client = new ssh2.Client();
      let counted = false;
      let n = 0;
      client.on('banner', () => undefined);
      client.on('handshake', () => {
        if (!counted) tally.relays++;
        counted = true;
        opened = true;
      });
      client.on('ready', () => {
        tally.found = true;
        client.end();
      });
      client.on('error', () => undefined);
      client.on('close', () => done());
      ws.once('close', () => setTimeout(() => done(), 10));
      client.connect({
        sock: createWebSocketStream(ws) as unknown as import('node:net').Socket,
        username: 'demo',
        hostVerifier: () => true,
        readyTimeout: 10_000,
        authHandler: (_left, _partial, next) => {
          n++;
          tally.guesses++;
          next({ type: 'password', username: 'demo', password: `guess-${n}` });
        },
      });
    });
  });
}

/**
 * `parallel` loops from each of `addresses`, for `ms` — and on, on a slow machine, until at least
 * `minAttempts` connections were tried, so a brake is always put to the test.
 */
async function guessFor(g: GatewayProcess, ms: number, addresses: string[], parallel = 2, minAttempts = 0): Promise<Tally & { elapsedMs: number }> {
  const tally: Tally = { relays: 0, refused: {}, guesses: 0, found: false };
  const started = Date.now();
  let attempts = 0;
  const loop = async (address: string) => {
    while (Date.now() - started < ms || attempts < minAttempts) {
      attempts++;
      await oneConnection(g, address, tally);
    }
  };
  await Promise.all(addresses.flatMap((a) => Array.from({ length: parallel }, () => loop(a))));
  return { ...tally, elapsedMs: Date.now() - started };
}

/** Relays a braked key can get in `elapsedMs`: the free ones, those already under way when the brake engaged, one per doubling back-off. */
function budget(free: number, inFlight: number, baseMs: number, elapsedMs: number): number {
  let slots = 0;
  for (let waited = 0, wait = baseMs; waited <= elapsedMs; waited += wait, wait *= 2) slots++;
  return free + inFlight + slots;
}

const perMinute = (n: number, ms: number) => Math.round((n * 60_000) / ms);

test('guessing from one address: slowed from hundreds of guesses to the configured budget', async (t) => {
  const [open, braked] = await Promise.all([demoGateway({ enabled: false }), demoGateway({ freePerClient: 3, freePerTarget: 10_000, backoffBaseMs: 400, backoffMaxMs: 60_000, newRelaysPerTargetPerMinute: 10_000 })]);
  const before = await guessFor(open, 2000, ['127.0.0.2']);
  const afterBrakes = await guessFor(braked, 2000, ['127.0.0.2']);
  t.diagnostic(`without brakes: ${before.guesses} guesses in ${before.elapsedMs} ms (${perMinute(before.guesses, before.elapsedMs)}/min) over ${before.relays} relays`);
  t.diagnostic(`with brakes:    ${afterBrakes.guesses} guesses in ${afterBrakes.elapsedMs} ms (${perMinute(afterBrakes.guesses, afterBrakes.elapsedMs)}/min) over ${afterBrakes.relays} relays; refused ${JSON.stringify(afterBrakes.refused)}`);
  assert.equal(before.found || afterBrakes.found, false);
  const allowed = budget(3, 2, 400, afterBrakes.elapsedMs);
  assert.ok(afterBrakes.relays <= allowed, `${afterBrakes.relays} relays got through, budget ${allowed}`);
  // (+1: the client writes its next guess while the server is already hanging up.)
  assert.ok(afterBrakes.guesses <= allowed * (MAX_AUTH_TRIES + 1), `${afterBrakes.guesses} guesses`);
  assert.ok((afterBrakes.refused['too-many-attempts'] ?? 0) > 0, 'the brake never refused');
  // The episode is logged once, not per refused attempt.
  await new Promise((ok) => setTimeout(ok, 100));
  const engaged = braked.events().filter((e) => e.event === 'login-brake-engaged');
  assert.deepEqual(engaged.map((e) => [e.scope, e.client]), [['client', '127.0.0.2']]);
  assert.ok(braked.events().filter((e) => e.event === 'relay-refused').length <= 2, 'refusals logged one by one');
});

test('guessing from eight addresses at once: the per-target brake holds them all', async (t) => {
  const g = await demoGateway({ freePerClient: 1000, freePerTarget: 4, backoffBaseMs: 400, targetBackoffMaxMs: 60_000, newRelaysPerTargetPerMinute: 10_000 });
  const addresses = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);
  const r = await guessFor(g, 2000, addresses, 1);
  t.diagnostic(`8 addresses with the target brake: ${r.guesses} guesses in ${r.elapsedMs} ms (${perMinute(r.guesses, r.elapsedMs)}/min) over ${r.relays} relays; refused ${JSON.stringify(r.refused)}`);
  const allowed = budget(4, 8, 400, r.elapsedMs);
  assert.ok(r.relays <= allowed, `${r.relays} relays got through, budget ${allowed}`);
  assert.ok((r.refused['target-rate-limited'] ?? 0) > 0, 'the target brake never refused');
});

test('the per-target cap of new relays per minute holds whatever the relays look like', async () => {
  const g = await demoGateway({ enabled: true, freePerClient: 1000, freePerTarget: 1000, newRelaysPerTargetPerMinute: 5 });
  const r = await guessFor(g, 1000, ['127.0.0.2', '127.0.0.3'], 1, 12);
  // 5 at once, refilled at 5 a minute (one more per 12 s that really passed, on a slow machine).
  const allowed = 5 + 1 + Math.floor(r.elapsedMs / 12_000);
  assert.ok(r.relays <= allowed, `${r.relays} relays in ${r.elapsedMs} ms, allowed ${allowed}`);
  assert.ok((r.refused['target-rate-limited'] ?? 0) > 0);
});
