// The client core and the scripted server, wired together in memory: `pump` moves bytes both
// ways until neither has anything to say, answering the client's questions on the way.
import { SshClientCore, type ClientCoreOptions } from '../../core/ssh/client-core.ts';
import type { SshEvent } from '../../core/ssh/events.ts';
import type { SshError } from '../../core/ssh/errors.ts';
import { ScriptedServer, type ScriptedServerOptions } from './ssh-scripted-server.ts';
import type { SshUserKey } from '../../core/ssh/user-key.ts';

export interface CorePair {
  client: SshClientCore;
  server: ScriptedServer;
  events: SshEvent[];
  /** Moves bytes until both sides are quiet. */
  pump(): Promise<void>;
  /** The client's 'closed' event, if it came. */
  closed(): { error: SshError | null } | null;
}

export interface PairOptions {
  client?: Partial<ClientCoreOptions>;
  server?: ScriptedServerOptions;
  key?: SshUserKey;
  hostKey?: (blob: Uint8Array) => SshError | null;
  prompt?: (prompts: { prompt: string }[]) => string[] | null;
}

export function corePair(o: PairOptions = {}): CorePair {
  const server = new ScriptedServer(o.server);
  const client = new SshClientCore({
    username: 'tester',
    where: 'scripted',
    ...(o.key ? { key: { publicKeyBlob: o.key.publicKeyBlob, algorithms: o.key.algorithms } } : {}),
    ...o.client,
  });
  const events: SshEvent[] = [];
  const answers: Promise<void>[] = [];
  const handle = (e: SshEvent) => {
    events.push(e);
    if (e.type === 'host-key') client.answerHostKey(o.hostKey?.(e.key.blob) ?? null);
    else if (e.type === 'sign') {
      answers.push(
        o.key!.sign(e.algorithm, e.data).then(
          (s) => client.answerSignature(e.id, s),
          (x: Error) => client.answerSignature(e.id, x),
        ),
      );
    } else if (e.type === 'prompt') client.answerPrompt(e.id, o.prompt?.(e.prompts) ?? null);
  };
  return {
    client,
    server,
    events,
    async pump() {
      for (let round = 0; round < 10_000; round++) {
        let moved = false;
        for (let out = client.takeOutput(); out; out = client.takeOutput()) {
          moved = true;
          server.receive(out.slice());
        }
        for (const out of server.takeOutput()) {
          moved = true;
          client.receive(out);
        }
        for (let e = client.nextEvent(); e; e = client.nextEvent()) {
          moved = true;
          handle(e);
        }
        if (answers.length) {
          moved = true;
          await Promise.all(answers.splice(0));
        }
        const pending = client.pending() ?? server.encoder.pending() ?? server.decoder.pending();
        if (pending) {
          await pending;
          client.pump();
          moved = true;
        }
        if (!moved) return;
      }
      throw new Error('the pair never went quiet');
    },
    closed() {
      const e = events.find((x) => x.type === 'closed');
      return e && e.type === 'closed' ? { error: e.error } : null;
    },
  };
}
