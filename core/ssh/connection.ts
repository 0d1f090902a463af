// connectSsh: an SSH client connection over any ByteTransport, behind our own small interface
// (the engine, dev-tunnels-ssh plus our algorithm classes, stays replaceable).
import {
  AuthenticationFailureMessage,
  AuthenticationInfoResponseMessage,
  AuthenticationRequestMessage,
  ChannelOpenMessage,
  SshAuthenticationType,
  SshChannel,
  SshClientSession,
  SshDisconnectReason,
  type SshAuthenticatingEventArgs,
  type SshClientCredentials,
  type SshMessage,
} from '@microsoft/dev-tunnels-ssh';
import { KeyExchangeInitMessage } from '@microsoft/dev-tunnels-ssh/messages/kexMessages.js';
import { UnimplementedMessage } from '@microsoft/dev-tunnels-ssh/messages/transportMessages.js';
import type { SshChannelStream } from './channel.ts';
import { UserAuthBannerMessage } from './banner-message.ts';
import { SshChannelAdapter } from './channel-stream.ts';
import { AuthenticationError, SshConnectionError, SshError } from './errors.ts';
import { mapSessionClose, mapSshError } from './error-mapping.ts';
import { describeHostKey, type HostKeyInfo, type HostKeyPolicy } from './host-key-policy.ts';
import { buildSessionConfig, type AlgorithmPreferences } from './session-config.ts';
import { ExecRequestMessage, KeyboardInteractiveRequestMessage, SubsystemRequestMessage } from './subsystem-request.ts';
import { TransportStream, type ByteTransport } from './transport.ts';
import type { SshUserKey } from './user-key.ts';
import { RecordedKeyPair, UserKeyPair } from './algorithms/user-key-algorithm.ts';

export interface KeyboardInteractivePrompt {
  prompt: string;
  echo: boolean;
}

export interface SshAuthOptions {
  key?: SshUserKey;
  password?: string;
  /** Answers keyboard-interactive prompts. Without it, password prompts get `password`. */
  keyboardInteractive?: (prompts: KeyboardInteractivePrompt[], instruction: string) => Promise<string[]>;
}

export interface ConnectOptions {
  /** What pins are stored under and messages name: `host:port` or the gateway target id. */
  target: string;
  username: string;
  hostKeyPolicy: HostKeyPolicy;
  auth: SshAuthOptions;
  algorithms?: AlgorithmPreferences;
  /** Whole handshake (kex + host key + auth), default 30 s. The host-key prompt is not counted. */
  timeoutMs?: number;
  /** Re-key after this many bytes (default: the library's 0.5 GiB). */
  rekeyBytes?: number;
  /** The server's pre-login notice (SSH_MSG_USERAUTH_BANNER), as it arrives; also kept in `SshConnection.banner`. */
  onBanner?: (text: string) => void;
  /** Receive window of each channel we open, default 8 MiB (bounds what the server may send ahead). */
  channelWindowBytes?: number;
}

export interface NegotiatedAlgorithms {
  kex: string;
  hostKey: string;
  cipher: string;
  mac: string;
  /** Strict key exchange (Terrapin countermeasure) was agreed with the server. */
  strictKex: boolean;
}

export interface SshConnection {
  readonly hostKey: HostKeyInfo;
  readonly algorithms: NegotiatedAlgorithms;
  readonly serverVersion: string;
  /** The server's pre-login notice, '' if none (control characters removed). */
  readonly banner: string;
  /** Completed key exchanges: 1 after connecting, +1 per re-key (either side may start one). */
  readonly keyExchanges: number;
  openSubsystem(name: string): Promise<SshChannelStream>;
  /** Runs a command (tests and benchmarks use `cat > /dev/null`). */
  exec(command: string): Promise<SshChannelStream>;
  close(): Promise<void>;
  /** Called once when the connection ends; with an error unless we closed it. */
  onClose(handler: (error?: SshError) => void): void;
}

const RECEIVE_WINDOW = 8 * 1024 * 1024;

interface KexServiceInternals {
  readonly exchanging: boolean;
  startKeyExchange(initial: boolean): Promise<[SshMessage | null, SshMessage | null]>;
}

interface AuthAttempt {
  method: string;
}

export async function connectSsh(transport: ByteTransport, options: ConnectOptions): Promise<SshConnection> {
  // Development switch while the sans-IO core is validated against the whole suite.
  if ((globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.COURIER_SSH_ENGINE === 'core') {
    const { connectSsh: connectCore } = await import('./driver.ts');
    return connectCore(transport, options);
  }
  const where = options.target;
  const { config, strictKex } = buildSessionConfig(options.algorithms, options.auth.key?.algorithms ?? []);
  if (options.rekeyBytes) (config as unknown as { keyRotationThreshold: number }).keyRotationThreshold = options.rekeyBytes;
  const session = new SshClientSession(config);
  const stream = new TransportStream(transport);
  // The library reports each negotiated algorithm only through its trace: "<Label> negotiation: ... => name".
  const chosen = new Map<string, string>();
  session.trace = (_level, _id, message) => {
    const m = /^(\w+) negotiation: .* => (\S+)$/.exec(message);
    if (m) chosen.set(m[1]!, m[2]!);
  };

  let closedByUs = false;
  let closeError: SshError | null = null;
  const closeHandlers: ((error?: SshError) => void)[] = [];
  let closeReported = false;
  const reportClose = () => {
    if (closeReported) return;
    closeReported = true;
    for (const h of closeHandlers) h(closedByUs ? undefined : (closeError ?? undefined));
  };
  session.onClosed((e) => {
    if (!closedByUs && !closeError) closeError = stream.closeError ?? mapSessionClose(e.reason, e.message, e.error, where);
    reportClose();
  });
  const failure = () => (closedByUs ? null : (closeError ?? stream.closeError ?? null));

  // Host key and keyboard-interactive go through the library's authenticating event.
  let hostKeyInfo: HostKeyInfo | null = null;
  let hostKeyError: SshError | null = null;
  let promptError: SshError | null = null;
  let kbdPrompts = 0;
  session.onAuthenticating((e: SshAuthenticatingEventArgs) => {
    if (e.authenticationType === SshAuthenticationType.serverPublicKey) {
      const kp = e.publicKey;
      const blob = kp instanceof RecordedKeyPair ? kp.blob : null;
      if (!blob) {
        e.authenticationPromise = Promise.reject(new Error('host key bytes unavailable'));
        return;
      }
      hostKeyInfo = describeHostKey(options.target, blob, session.algorithms?.publicKeyAlgorithmName ?? '');
      e.authenticationPromise = options.hostKeyPolicy.verify(hostKeyInfo).then(
        () => ({}),
        (x: unknown) => {
          hostKeyError = x instanceof SshError ? x : mapSshError(x, where);
          throw hostKeyError;
        },
      );
    } else if (e.authenticationType === SshAuthenticationType.clientInteractive && e.infoRequest) {
      const request = e.infoRequest;
      e.authenticationPromise = (async () => {
        const prompts = request.prompts ?? [];
        if (prompts.length > 0) kbdPrompts++;
        let answers: string[];
        try {
          answers = options.auth.keyboardInteractive ? await options.auth.keyboardInteractive(prompts, request.instruction || request.name || '') : prompts.map(() => options.auth.password ?? '');
        } catch (x) {
          // The user cancelled (or the UI failed): stop here rather than send empty answers.
          promptError = new AuthenticationError('auth-cancelled', `sign-in to ${where} was cancelled`, { where, reason: x instanceof Error ? x.message : String(x) });
          void session.close(SshDisconnectReason.authCancelledByUser);
          throw promptError;
        }
        const response = new AuthenticationInfoResponseMessage();
        response.responses = answers;
        e.infoResponse = response;
        return null;
      })();
    }
  });

  // Watch the auth conversation to say precisely what failed.
  const attempts: AuthAttempt[] = [];
  let lastFailure: { methods: string[]; partial: boolean } | null = null;
  const internals = session as unknown as {
    sendMessage(m: SshMessage, c?: unknown): Promise<void>;
    handleMessage(m: SshMessage, c?: unknown): Promise<void>;
  };
  const send = internals.sendMessage.bind(session);
  internals.sendMessage = (m, c) => {
    if (m instanceof AuthenticationRequestMessage && m.methodName) {
      attempts.push({ method: m.methodName });
      // The library omits the language and submethods fields RFC 4256 §3.1 requires.
      if (m.methodName === 'keyboard-interactive' && !(m instanceof KeyboardInteractiveRequestMessage)) m = KeyboardInteractiveRequestMessage.from(m);
    }
    return send(m, c);
  };
  const handle = internals.handleMessage.bind(session);
  let banner = '';
  internals.handleMessage = async (m, c) => {
    if (m instanceof UserAuthBannerMessage) {
      banner += m.text;
      options.onBanner?.(m.text);
      return;
    }
    if (m instanceof AuthenticationFailureMessage) lastFailure = { methods: m.methodNames ?? [], partial: m.partialSuccess };
    // SSH_MSG_USERAUTH_PASSWD_CHANGEREQ (RFC 4252 §8): the password is right but expired. The
    // library does not know the message (it would wait for ever); the user must renew it.
    if (m instanceof UnimplementedMessage && m.unimplementedMessageType === 60 && attempts[attempts.length - 1]?.method === 'password') {
      promptError = new AuthenticationError('password-expired', `the password of ${options.username} on ${where} has expired: the server asks for a new one`, { user: options.username, where });
      void session.close(SshDisconnectReason.authCancelledByUser);
      return;
    }
    // dev-tunnels-ssh 3.12 only re-keys when it starts the exchange itself; a server-initiated
    // re-key (OpenSSH RekeyLimit, by volume or time) would end the session with "Key exchange
    // was not started". Answer the server's KEXINIT with ours first, as RFC 4253 §9 wants.
    if (m instanceof KeyExchangeInitMessage && strictKex.keyExchanges > 0) {
      const kex = (session as unknown as { kexService?: KexServiceInternals }).kexService;
      const protocol = (session as unknown as { protocol?: { sendMessage(m: SshMessage, c?: unknown): Promise<boolean> } }).protocol;
      if (kex && protocol && !kex.exchanging) {
        const [ours] = await kex.startKeyExchange(false);
        if (ours) await protocol.sendMessage(ours, c);
      }
    }
    return handle(m, c);
  };

  const timeoutMs = options.timeoutMs ?? 30_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let promptPending = false;
  const timeout = new Promise<never>((_, reject) => {
    const arm = () => {
      timer = setTimeout(() => {
        if (promptPending) return arm();
        reject(new SshConnectionError('timeout', `no answer from ${where} within ${Math.round(timeoutMs / 1000)} s`, { where, seconds: timeoutMs / 1000 }));
      }, timeoutMs);
    };
    arm();
  });

  const handshake = async () => {
    await session.connect(stream);
    promptPending = true;
    try {
      const serverOk = await session.authenticateServer();
      if (!serverOk) throw failure() ?? new SshConnectionError('connection-lost', `${where}: host key not accepted`);
    } finally {
      promptPending = false;
    }
    await authenticate();
  };

  const authenticate = async () => {
    const { key, password } = options.auth;
    const keyPair = key ? new UserKeyPair(key) : null;
    const credentials: SshClientCredentials = { username: options.username, publicKeys: keyPair ? [keyPair] : [] };
    if (password !== undefined) credentials.password = password;
    let ok = await session.authenticateClient(credentials);
    // The library tries keyboard-interactive only without other credentials: when the server
    // still wants it (e.g. PasswordAuthentication no, KbdInteractiveAuthentication yes), go on with it.
    const failed = lastFailure as { methods: string[]; partial: boolean } | null;
    if (!ok && failed?.methods.includes('keyboard-interactive') && (password !== undefined || options.auth.keyboardInteractive) && !attempts.some((a) => a.method === 'keyboard-interactive')) {
      ok = await session.authenticateClient({ username: options.username });
    }
    if (!ok) throw authFailure(keyPair);
  };

  const authFailure = (keyPair: UserKeyPair | null): SshError => {
    const lost = failure();
    if (lost) return lost;
    const failed = lastFailure as { methods: string[]; partial: boolean } | null;
    const serverMethods = failed?.methods ?? [];
    const last = attempts[attempts.length - 1]?.method;
    const details = { user: options.username, where, serverMethods };
    if (last === 'password' || (last === 'keyboard-interactive' && kbdPrompts > 0)) {
      return new AuthenticationError('wrong-password', `wrong password for ${options.username} on ${where}`, details);
    }
    if (last === 'publickey' && keyPair) {
      return new AuthenticationError('key-refused', `the server refused this key for ${options.username} — was the public key registered for this user?`, details);
    }
    const have = [keyPair ? 'publickey' : '', options.auth.password !== undefined ? 'password' : ''].filter(Boolean);
    return new AuthenticationError('auth-failed', `${where} accepts ${serverMethods.join(', ') || 'no method'} for ${options.username}; we have ${have.join(', ') || 'no credentials'}`, details);
  };

  try {
    await Promise.race([handshake(), timeout]);
  } catch (e) {
    const error = (hostKeyError as SshError | null) ?? (promptError as SshError | null) ?? (e instanceof SshError ? e : (failure() ?? mapSshError(e, where)));
    closedByUs = true;
    session.dispose();
    stream.dispose();
    throw error;
  } finally {
    clearTimeout(timer);
  }

  const algorithms = negotiated(session, chosen, strictKex.strict);
  const openChannel = async (request: SubsystemRequestMessage | ExecRequestMessage, what: string): Promise<SshChannelStream> => {
    let channel: SshChannel;
    try {
      const open = new ChannelOpenMessage();
      open.channelType = 'session';
      // Our receive window: 1 MiB by default in the library. Through the gateway the round trip
      // is long, so a larger window keeps downloads flowing (the reader still bounds memory:
      // the window only re-opens as it consumes).
      open.maxWindowSize = options.channelWindowBytes ?? RECEIVE_WINDOW;
      channel = await session.openChannel(open);
    } catch (e) {
      throw failure() ?? mapSshError(e, where);
    }
    const adapter = new SshChannelAdapter(channel, failure);
    let accepted: boolean;
    try {
      accepted = await channel.request(request);
    } catch (e) {
      throw failure() ?? mapSshError(e, where);
    }
    if (!accepted) {
      await adapter.close();
      throw new SshError('channel-refused', `${where} refused ${what}`, { where, what });
    }
    return adapter;
  };

  return {
    hostKey: hostKeyInfo!,
    algorithms,
    serverVersion: session.remoteVersion?.toString() ?? '',
    banner,
    get keyExchanges() {
      return strictKex.keyExchanges;
    },
    openSubsystem: (name) => openChannel(new SubsystemRequestMessage(name), `the ${name} subsystem`),
    exec: (command) => openChannel(new ExecRequestMessage(command), `the command ${command}`),
    async close() {
      if (closedByUs) return;
      closedByUs = true;
      try {
        await session.close(SshDisconnectReason.byApplication, 'bye');
      } catch {
        // Already broken: nothing more to say to the peer.
      }
      session.dispose();
      stream.dispose();
      reportClose();
    },
    onClose(handler) {
      if (closeReported) handler(closedByUs ? undefined : (closeError ?? undefined));
      else closeHandlers.push(handler);
    },
  };
}

function negotiated(session: SshClientSession, chosen: Map<string, string>, strict: boolean): NegotiatedAlgorithms {
  return {
    kex: chosen.get('KeyExchange') ?? '',
    hostKey: session.algorithms?.publicKeyAlgorithmName ?? chosen.get('PublicKey') ?? '',
    cipher: chosen.get('ClientEncryption') ?? '',
    mac: chosen.get('ClientHmac') ?? '',
    strictKex: strict,
  };
}
