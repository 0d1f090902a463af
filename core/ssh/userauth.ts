// The client side of user authentication (RFC 4252, RFC 4256, RFC 8332, RFC 8308): publickey
// with the signature algorithm chosen for this server, password, keyboard-interactive, partial
// success (several methods required), banners, and expired passwords. Signing and prompts are
// asked of the driver as events; no I/O here. When nothing is left to try, the error says what
// was tried, so the user is sent to the right person.
import { AuthenticationError, type AuthenticationDetails } from './errors.ts';
import type { KeyboardInteractivePrompt, SshEvent, SshWarning } from './events.ts';
import { MSG } from './messages.ts';
import { lenientText, SshReader, SshWriter } from './wire.ts';
import { SshProtocolError } from './errors.ts';

export interface UserAuthOptions {
  username: string;
  /** For messages: `host:port` or the gateway target. */
  where: string;
  key?: { publicKeyBlob: Uint8Array; algorithms: readonly string[] };
  password?: string;
  /** A driver-side handler answers keyboard-interactive prompts (else they get `password`). */
  keyboardInteractive: boolean;
  /** Sign with `ssh-rsa` (SHA-1) where the server accepts nothing better. */
  allowSshRsa: boolean;
}

export interface UserAuthSink {
  send(payload: Uint8Array): void;
  emit(event: SshEvent): void;
  warn(warning: SshWarning): void;
}

type Method = 'publickey' | 'password' | 'keyboard-interactive';

type Step =
  | { kind: 'idle' }
  | { kind: 'publickey-query'; algorithm: string }
  | { kind: 'publickey-sign'; algorithm: string; id: number }
  | { kind: 'publickey-signed'; algorithm: string }
  | { kind: 'password' }
  | { kind: 'keyboard-interactive'; prompted: boolean; answering: number | null }
  | { kind: 'none' };

const RSA_ALGORITHMS = ['rsa-sha2-512', 'rsa-sha2-256'];

const fail = (what: string) => new SshProtocolError(`malformed authentication message: ${what}`);

export class UserAuth {
  private step: Step = { kind: 'idle' };
  private serverSigAlgs: string[] | null = null;
  /** Signature algorithms still to try with the key, in order. */
  private keyAlgorithms: string[] | null = null;
  private readonly tried: string[] = [];
  private readonly done = new Set<Method>();
  private serverMethods: string[] | null = null;
  private lastMethod: Method | 'none' | null = null;
  private promptsAnswered = 0;
  private nextId = 1;
  private sessionId: Uint8Array = new Uint8Array(0);
  /** Set when every compatible RSA algorithm was ruled out by the server's server-sig-algs. */
  private algorithmRuledOut = false;
  succeeded = false;

  constructor(private readonly o: UserAuthOptions, private readonly sink: UserAuthSink) {}

  /** RFC 8308 server-sig-algs, from SSH_MSG_EXT_INFO. */
  setServerSigAlgs(algorithms: string[]): void {
    this.serverSigAlgs = algorithms;
  }

  start(sessionId: Uint8Array): void {
    this.sessionId = sessionId;
    this.tryNext();
  }

  private keyType(): string {
    const blob = this.o.key!.publicKeyBlob;
    return lenientText(new SshReader(blob, fail).string('key type'));
  }

  /** The key's signature algorithms worth trying with this server, best first. */
  private algorithmsForKey(): string[] {
    const key = this.o.key!;
    if (this.keyType() !== 'ssh-rsa') return key.algorithms.slice(0, 1);
    const mine = [...RSA_ALGORITHMS, ...(this.o.allowSshRsa ? ['ssh-rsa'] : [])].filter((a) => key.algorithms.includes(a));
    if (!this.serverSigAlgs) return mine;
    const accepted = mine.filter((a) => this.serverSigAlgs!.includes(a));
    if (accepted.length === 0) this.algorithmRuledOut = true;
    return accepted;
  }

  private available(method: Method): boolean {
    if (this.done.has(method)) return false;
    if (this.serverMethods && !this.serverMethods.includes(method)) return false;
    switch (method) {
      case 'publickey':
        return !!this.o.key && (this.keyAlgorithms === null || this.keyAlgorithms.length > 0);
      case 'password':
        return this.o.password !== undefined;
      case 'keyboard-interactive':
        return this.o.keyboardInteractive || this.o.password !== undefined;
    }
  }

  private tryNext(): void {
    const method = (['publickey', 'password', 'keyboard-interactive'] as const).find((m) => this.available(m));
    if (!method) {
      if (this.serverMethods === null) {
        // Nothing to offer: ask with "none" what the server accepts, for a precise error.
        this.lastMethod = 'none';
        this.step = { kind: 'none' };
        this.sink.send(this.request('none').bytes());
        return;
      }
      throw this.failure();
    }
    this.lastMethod = method;
    if (method === 'publickey') {
      this.keyAlgorithms ??= this.algorithmsForKey();
      const algorithm = this.keyAlgorithms.shift();
      if (!algorithm) {
        this.done.add('publickey');
        return this.tryNext();
      }
      this.tried.push(algorithm);
      this.step = { kind: 'publickey-query', algorithm };
      this.sink.send(this.request('publickey').boolean(false).string(algorithm).string(this.o.key!.publicKeyBlob).bytes());
    } else if (method === 'password') {
      this.done.add('password');
      this.step = { kind: 'password' };
      this.sink.send(this.request('password').boolean(false).string(this.o.password!).bytes());
    } else {
      this.done.add('keyboard-interactive');
      this.step = { kind: 'keyboard-interactive', prompted: false, answering: null };
      // RFC 4256 §3.1: language tag (deprecated) and submethods (empty: the server chooses).
      this.sink.send(this.request('keyboard-interactive').string('').string('').bytes());
    }
  }

  private request(method: string): SshWriter {
    return new SshWriter(512).byte(MSG.USERAUTH_REQUEST).string(this.o.username).string('ssh-connection').string(method);
  }

  /** Handles a userauth message (50-79). Throws AuthenticationError when authentication cannot succeed. */
  handle(type: number, payload: Uint8Array): void {
    const r = new SshReader(payload, fail, 1);
    switch (type) {
      case MSG.USERAUTH_SUCCESS:
        this.succeeded = true;
        this.step = { kind: 'idle' };
        this.sink.emit({ type: 'authenticated' });
        return;
      case MSG.USERAUTH_FAILURE: {
        this.serverMethods = r.nameList('methods');
        const partial = r.boolean('partial success');
        const step = this.step;
        if (partial && this.lastMethod && this.lastMethod !== 'none') {
          // That method is satisfied; the server wants another one as well.
          this.done.add(this.lastMethod);
        }
        if (step.kind === 'publickey-query' || step.kind === 'publickey-signed') {
          if (partial) this.keyAlgorithms = [];
        }
        this.step = { kind: 'idle' };
        this.tryNext();
        return;
      }
      case MSG.USERAUTH_BANNER: {
        // Shown to users: control characters (terminal escapes) removed except line breaks and tabs.
        // eslint-disable-next-line no-control-regex
        const text = lenientText(r.string('banner')).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
        this.sink.emit({ type: 'banner', text });
        return;
      }
      case MSG.USERAUTH_60:
        return this.handle60(r);
      default:
        throw new SshProtocolError(`unexpected authentication message ${type}`);
    }
  }

  private handle60(r: SshReader): void {
    const step = this.step;
    if (step.kind === 'publickey-query') {
      // SSH_MSG_USERAUTH_PK_OK: the key and algorithm are acceptable; sign the real request.
      const id = this.nextId++;
      this.step = { kind: 'publickey-sign', algorithm: step.algorithm, id };
      if (step.algorithm === 'ssh-rsa') {
        this.sink.warn({
          code: 'ssh-rsa-sha1',
          message: `${this.o.where} accepts this RSA key only with SHA-1 signatures (ssh-rsa); SHA-1 is broken for signatures (collisions can be forged), so ask the operator to enable rsa-sha2-256 or rsa-sha2-512`,
          details: { where: this.o.where, algorithm: 'ssh-rsa', serverSigAlgs: this.serverSigAlgs ?? [] },
        });
      }
      this.sink.emit({ type: 'sign', id, algorithm: step.algorithm, data: this.signedData(step.algorithm) });
    } else if (step.kind === 'password') {
      // SSH_MSG_USERAUTH_PASSWD_CHANGEREQ (RFC 4252 §8): the password is right but expired.
      throw new AuthenticationError('password-expired', `the password of ${this.o.username} on ${this.o.where} has expired: the server asks for a new one`, this.details());
    } else if (step.kind === 'keyboard-interactive') {
      // SSH_MSG_USERAUTH_INFO_REQUEST (RFC 4256 §3.2).
      const name = lenientText(r.string('name'));
      const instruction = lenientText(r.string('instruction'));
      r.string('language');
      const count = r.uint32('prompt count');
      if (count > 64) throw fail('too many prompts');
      const prompts: KeyboardInteractivePrompt[] = [];
      for (let i = 0; i < count; i++) prompts.push({ prompt: lenientText(r.string('prompt')), echo: r.boolean('echo') });
      if (prompts.length > 0) this.promptsAnswered++;
      if (this.o.keyboardInteractive && prompts.length > 0) {
        const id = this.nextId++;
        this.step = { kind: 'keyboard-interactive', prompted: true, answering: id };
        this.sink.emit({ type: 'prompt', id, name, instruction, prompts });
      } else this.sendInfoResponse(prompts.map(() => this.o.password ?? ''));
    } else throw new SshProtocolError('unexpected authentication message 60');
  }

  private sendInfoResponse(answers: string[]): void {
    const w = new SshWriter(256).byte(MSG.USERAUTH_INFO_RESPONSE).uint32(answers.length);
    for (const a of answers) w.string(a);
    this.sink.send(w.bytes());
  }

  /** RFC 4252 §7: what the key signs. */
  private signedData(algorithm: string): Uint8Array {
    return new SshWriter(1024)
      .string(this.sessionId)
      .raw(this.request('publickey').boolean(true).string(algorithm).string(this.o.key!.publicKeyBlob).bytes())
      .bytes()
      .slice();
  }

  /** The driver's answer to a `sign` event: the SSH signature blob (string algorithm, string signature). */
  answerSignature(id: number, signature: Uint8Array): void {
    const step = this.step;
    if (step.kind !== 'publickey-sign' || step.id !== id) return;
    const inner = new SshReader(signature, fail);
    const algorithm = lenientText(inner.string('signature algorithm'));
    if (algorithm !== step.algorithm) throw new AuthenticationError('key-refused', `the key signed with ${algorithm}, but ${step.algorithm} was asked`, this.details());
    this.step = { kind: 'publickey-signed', algorithm: step.algorithm };
    this.sink.send(this.request('publickey').boolean(true).string(step.algorithm).string(this.o.key!.publicKeyBlob).string(signature).bytes());
  }

  /** The driver's answer to a `prompt` event; null when the user cancelled. */
  answerPrompt(id: number, answers: string[] | null): void {
    const step = this.step;
    if (step.kind !== 'keyboard-interactive' || step.answering !== id) return;
    if (!answers) throw new AuthenticationError('auth-cancelled', `sign-in to ${this.o.where} was cancelled`, this.details());
    this.step = { kind: 'keyboard-interactive', prompted: true, answering: null };
    this.sendInfoResponse(answers);
  }

  private details(): AuthenticationDetails {
    return {
      user: this.o.username,
      where: this.o.where,
      serverMethods: this.serverMethods ?? [],
      triedAlgorithms: [...this.tried],
      ...(this.serverSigAlgs ? { serverSigAlgs: this.serverSigAlgs } : {}),
    };
  }

  /** Why authentication failed, from what was tried last (also used when the server hangs up mid-way). */
  failure(serverMessage?: string): AuthenticationError {
    const d = { ...this.details(), ...(serverMessage ? { serverMessage } : {}) };
    const { username: user, where } = this.o;
    const last = this.lastMethod;
    if (last === 'password' || (last === 'keyboard-interactive' && this.promptsAnswered > 0)) {
      return new AuthenticationError('wrong-password', `wrong password for ${user} on ${where}`, d);
    }
    if (this.o.key && (last === 'publickey' || this.algorithmRuledOut || this.tried.length > 0)) {
      if (this.algorithmRuledOut && this.tried.length === 0) {
        return new AuthenticationError(
          'key-algorithm-unsupported',
          `${where} accepts RSA signatures only as ${this.serverSigAlgs!.join(', ') || 'nothing'}; this key signs with ${RSA_ALGORITHMS.join(', ')}${this.o.allowSshRsa ? ', ssh-rsa' : ''} (ssh-rsa, SHA-1, only when allowed)`,
          d,
        );
      }
      return new AuthenticationError('key-refused', `the server refused this key for ${user} (tried ${this.tried.join(', ')}) — was the public key registered for this user?`, d);
    }
    const have = [this.o.key ? 'publickey' : '', this.o.password !== undefined ? 'password' : '', this.o.keyboardInteractive ? 'keyboard-interactive' : ''].filter(Boolean);
    return new AuthenticationError('auth-failed', `${where} accepts ${this.serverMethods?.join(', ') || 'no method'} for ${user}; we have ${have.join(', ') || 'no credentials'}`, d);
  }
}
