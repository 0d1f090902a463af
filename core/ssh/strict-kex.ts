// Strict key exchange (OpenSSH PROTOCOL §1.10, "kex-strict-*-v00@openssh.com"), the Terrapin
// (CVE-2023-48795) countermeasure, hooked into dev-tunnels-ssh 3.12's packet layer, which has no
// option for it. When the server's KEXINIT carries kex-strict-s-v00@openssh.com:
//  - that KEXINIT must be the very first packet the server sent;
//  - until the first NEWKEYS, only key-exchange messages are accepted (no IGNORE, DEBUG, ...);
//  - sequence numbers restart at 0 after every NEWKEYS, in each direction.
// Getting the reset wrong breaks the first MAC after NEWKEYS against any strict server, so a
// successful connection to a current OpenSSH proves the hook is in place (tested). The hook is
// installed once on the library's SshProtocol prototype and acts only for configurations
// registered through `enableStrictKex`.
import { SshProtocol } from '@microsoft/dev-tunnels-ssh/io/sshProtocol.js';
import { KeyExchangeInitMessage, KeyExchangeMessage, NewKeysMessage } from '@microsoft/dev-tunnels-ssh/messages/kexMessages.js';
import { SshConnectionError, SshDisconnectReason, type SshMessage, type SshSessionConfiguration } from '@microsoft/dev-tunnels-ssh';

export const STRICT_KEX_CLIENT = 'kex-strict-c-v00@openssh.com';
export const STRICT_KEX_SERVER = 'kex-strict-s-v00@openssh.com';

export interface StrictKexState {
  /** The server offered strict kex in its first KEXINIT (and we offered it too). */
  strict: boolean;
  initialKexDone: boolean;
  serverKexInitSeen: boolean;
  /** Sequence-number resets done (one per NEWKEYS each way), for tests and diagnostics. */
  resets: number;
  /** NEWKEYS received: 1 after the initial exchange, +1 per re-key. */
  keyExchanges: number;
}

const states = new WeakMap<object, StrictKexState>();

/** Library internals this hook touches (JS-public in 3.12, private in its typings). */
interface ProtocolInternals {
  config: SshSessionConfiguration;
  inboundPacketSequence: number;
  outboundPacketSequence: number;
  receiveMessage(cancellation?: unknown): Promise<SshMessage | null>;
  sendMessage(message: SshMessage, cancellation?: unknown): Promise<boolean>;
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const proto = SshProtocol.prototype as unknown as ProtocolInternals;
  const receive = proto.receiveMessage;
  const send = proto.sendMessage;
  if (typeof receive !== 'function' || typeof send !== 'function') throw new Error('dev-tunnels-ssh changed: strict kex hook cannot be installed');

  proto.receiveMessage = async function (this: ProtocolInternals, cancellation?: unknown) {
    const message = await receive.call(this, cancellation);
    const state = states.get(this.config);
    if (!state || !message) return message;
    if (!state.initialKexDone) {
      if (message instanceof KeyExchangeInitMessage && !state.serverKexInitSeen) {
        state.serverKexInitSeen = true;
        state.strict = message.keyExchangeAlgorithms?.includes(STRICT_KEX_SERVER) ?? false;
        if (state.strict && this.inboundPacketSequence !== 1) {
          throw new SshConnectionError('strict key exchange: the server KEXINIT was not the first packet', SshDisconnectReason.protocolError);
        }
      } else if (state.strict && !(message instanceof KeyExchangeMessage)) {
        throw new SshConnectionError(`strict key exchange: unexpected message type ${message.messageType} during the initial key exchange`, SshDisconnectReason.protocolError);
      }
    }
    if (message instanceof NewKeysMessage) {
      state.keyExchanges++;
      if (state.strict) {
        this.inboundPacketSequence = 0;
        state.resets++;
      }
      state.initialKexDone = true;
    }
    return message;
  };

  proto.sendMessage = async function (this: ProtocolInternals, message: SshMessage, cancellation?: unknown) {
    const result = await send.call(this, message, cancellation);
    const state = states.get(this.config);
    // Other messages are held back by the session until both NEWKEYS passed, so nothing else
    // can take a sequence number between our NEWKEYS and this reset.
    if (state?.strict && message instanceof NewKeysMessage) {
      this.outboundPacketSequence = 0;
      state.resets++;
    }
    return result;
  };
}

/** Turns strict kex on for sessions using `config`; also adds the client marker to our KEXINIT. */
export function enableStrictKex(config: SshSessionConfiguration): StrictKexState {
  install();
  const state: StrictKexState = { strict: false, initialKexDone: false, serverKexInitSeen: false, resets: 0, keyExchanges: 0 };
  states.set(config, state);
  return state;
}
