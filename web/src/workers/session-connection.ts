// The session's one SSH connection through the gateway relay and its SFTP session: opened on
// connect, re-opened on demand after a drop (a delivery reconnecting), closed on log-out. The host
// key trusted once this session must be met again by every reconnect.
import { connectSsh, type SshConnection, type SshWarning } from '../../../core/ssh/connection.ts';
import { pinnedHostKeyPolicy, type HostKeyInfo } from '../../../core/ssh/host-key-policy.ts';
import { connectWebSocket } from '../../../core/ssh/transport-websocket.ts';
import { SftpSession } from '../../../core/sftp/session.ts';
import { indexedDbPinStore } from '../services/host-key-pins.ts';
import { forgetSessionKey, sessionUserKey } from './key-session.ts';
import { asksForNewPassword } from './password-expiry.ts';
import { ask, log, post } from './session-channel.ts';
import { SessionFailure, toWireError } from './session-errors.ts';
import type { ConnectedInfo, ConnectRequest } from './session-protocol.ts';

export interface Live {
  ssh: SshConnection;
  sftp: SftpSession;
}

let request: ConnectRequest | null = null;
let live: Live | null = null;
/** The key the user trusted once this session: reconnects must meet the very same key. */
let trustedThisSession: string | null = null;
/** Says whether a delivery is under way, so a drop is reported as 'lost' (reconnecting) rather than 'closed'. */
let delivering: () => boolean = () => false;

export function reportDeliveries(isDelivering: () => boolean): void {
  delivering = isDelivering;
}

function relayUrl(targetId: string): string {
  const origin = self.location.origin.replace(/^http/, 'ws');
  return `${origin}/relay?target=${encodeURIComponent(targetId)}`;
}

function hostKeyPolicy(req: ConnectRequest) {
  return pinnedHostKeyPolicy({
    pins: req.publishedFingerprints,
    trusted: trustedThisSession ? [trustedThisSession] : [],
    store: indexedDbPinStore,
    prompt: async (key: HostKeyInfo) => {
      log.info(`unknown host key ${key.keyAlgorithm} ${key.sha256}: asking the user`);
      const answer = await ask({ kind: 'host-key', hostKey: { target: key.target, keyAlgorithm: key.keyAlgorithm, sha256: key.sha256, md5: key.md5 }, published: req.publishedFingerprints });
      const decision = answer.kind === 'host-key' ? answer.decision : 'reject';
      if (decision !== 'reject') trustedThisSession = key.sha256;
      log.info(`host key ${decision}`);
      return decision;
    },
  });
}

async function authFor(req: ConnectRequest) {
  if (req.auth.kind === 'key') return { key: await sessionUserKey(req.auth.keyId, req.auth.passphrase) };
  const password = req.auth.password;
  return {
    password,
    // A server that asks for a new password (expired, e.g. the Cancer Registry's 14 days) is
    // told nothing: the user renews it on the operator's portal.
    keyboardInteractive: async (prompts: { prompt: string }[], instruction: string) => {
      if (asksForNewPassword(instruction, prompts)) throw new Error('password-expired');
      return prompts.map(() => password);
    },
  };
}

/** Warnings of the SSH layer on the last connect, in the order they came. */
let warnings: SshWarning['code'][] = [];

async function open(req: ConnectRequest): Promise<Live> {
  const transport = await connectWebSocket({ url: relayUrl(req.targetId), description: `gateway target ${req.targetId}` });
  const auth = await authFor(req);
  log.info(`connecting to ${req.targetId} as ${req.username} (${req.auth.kind === 'key' ? 'key' : 'password'})`);
  let ssh: SshConnection;
  try {
    ssh = await connectSsh(transport, {
      target: req.targetId, username: req.username, hostKeyPolicy: hostKeyPolicy(req), auth,
      allowSshRsa: req.allowSshRsa,
      onWarning: (w) => {
        log.warn(`warning: ${w.message}`);
        if (!warnings.includes(w.code)) warnings.push(w.code);
      },
    });
  } catch (err) {
    const e = err as { code?: string; details?: { reason?: unknown } };
    if (e.code === 'auth-cancelled' && e.details?.reason === 'password-expired') {
      throw new SessionFailure('password-expired', `the password of ${req.username} has expired: the server asks for a new one`);
    }
    throw err;
  }
  // A key accepted from the store or the profile is this session's key from now on.
  trustedThisSession = ssh.hostKey.sha256;
  log.info(`connected: ${ssh.serverVersion}; host key ${ssh.hostKey.keyAlgorithm} ${ssh.hostKey.sha256}; ${ssh.algorithms.kex}, ${ssh.algorithms.cipher}, ${ssh.algorithms.mac}${ssh.algorithms.strictKex ? ', strict kex' : ''}`);
  let sftp: SftpSession;
  try {
    sftp = await SftpSession.open(await ssh.openSubsystem('sftp'));
  } catch (err) {
    await ssh.close().catch(() => undefined);
    throw err;
  }
  const session: Live = { ssh, sftp };
  ssh.onClose((error) => {
    if (live !== session) return;
    live = null;
    if (error) log.warn(`connection lost: ${error.message}`);
    post({ type: 'connection', state: delivering() && error ? 'lost' : 'closed', ...(error ? { error: toWireError(error) } : {}) });
  });
  return session;
}

/** The live session, re-opened with the same settings if it dropped. */
export async function current(): Promise<Live> {
  if (live) return live;
  if (!request) throw new SessionFailure('no-connection', 'not connected', {}, false);
  live = await open(request);
  post({ type: 'connection', state: 'restored' });
  return live;
}

/** The connect request of this session (profile, user), or null when logged out. */
export function sessionRequest(): ConnectRequest | null {
  return request;
}

/** The live session if there is one, without reconnecting. */
export function liveSession(): Live | null {
  return live;
}

export async function connect(req: ConnectRequest): Promise<ConnectedInfo> {
  if (live) await live.ssh.close().catch(() => undefined);
  live = null;
  trustedThisSession = null;
  // Reconnects reuse the unlocked key (key-session.ts): the passphrase is not kept.
  request = req.auth.kind === 'key' ? { ...req, auth: { kind: 'key', keyId: req.auth.keyId } } : req;
  warnings = [];
  live = await open(req);
  return {
    user: req.username,
    hostKey: { target: live.ssh.hostKey.target, keyAlgorithm: live.ssh.hostKey.keyAlgorithm, sha256: live.ssh.hostKey.sha256, md5: live.ssh.hostKey.md5 },
    algorithms: live.ssh.algorithms,
    serverVersion: live.ssh.serverVersion,
    home: await live.sftp.realpath('.'),
    extensions: [...live.sftp.extensions.keys()],
    warnings: [...warnings],
  };
}

export async function disconnect(): Promise<void> {
  const s = live;
  live = null;
  request = null;
  trustedThisSession = null;
  forgetSessionKey();
  const exchanges = s?.ssh.keyExchanges ?? 0;
  await s?.ssh.close().catch(() => undefined);
  log.info(`logged out (${exchanges} key exchange${exchanges === 1 ? '' : 's'} in this connection)`);
  post({ type: 'connection', state: 'closed' });
}
