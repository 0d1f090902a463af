// SSH message numbers (RFC 4250 §4.1, RFC 8308, RFC 4256) and disconnect reason codes (RFC 4250 §4.2.2).

export const MSG = {
  DISCONNECT: 1,
  IGNORE: 2,
  UNIMPLEMENTED: 3,
  DEBUG: 4,
  SERVICE_REQUEST: 5,
  SERVICE_ACCEPT: 6,
  EXT_INFO: 7,
  KEXINIT: 20,
  NEWKEYS: 21,
  /** KEXDH_INIT / KEX_ECDH_INIT (RFC 4253 §8, RFC 5656 §4, RFC 8731). */
  KEX_INIT: 30,
  /** KEXDH_REPLY / KEX_ECDH_REPLY. */
  KEX_REPLY: 31,
  USERAUTH_REQUEST: 50,
  USERAUTH_FAILURE: 51,
  USERAUTH_SUCCESS: 52,
  USERAUTH_BANNER: 53,
  /** PK_OK (publickey), PASSWD_CHANGEREQ (password), INFO_REQUEST (keyboard-interactive): one number, three meanings. */
  USERAUTH_60: 60,
  USERAUTH_INFO_RESPONSE: 61,
  GLOBAL_REQUEST: 80,
  REQUEST_SUCCESS: 81,
  REQUEST_FAILURE: 82,
  CHANNEL_OPEN: 90,
  CHANNEL_OPEN_CONFIRMATION: 91,
  CHANNEL_OPEN_FAILURE: 92,
  CHANNEL_WINDOW_ADJUST: 93,
  CHANNEL_DATA: 94,
  CHANNEL_EXTENDED_DATA: 95,
  CHANNEL_EOF: 96,
  CHANNEL_CLOSE: 97,
  CHANNEL_REQUEST: 98,
  CHANNEL_SUCCESS: 99,
  CHANNEL_FAILURE: 100,
} as const;

export const DISCONNECT = {
  HOST_NOT_ALLOWED_TO_CONNECT: 1,
  PROTOCOL_ERROR: 2,
  KEY_EXCHANGE_FAILED: 3,
  MAC_ERROR: 5,
  SERVICE_NOT_AVAILABLE: 7,
  HOST_KEY_NOT_VERIFIABLE: 9,
  CONNECTION_LOST: 10,
  BY_APPLICATION: 11,
  AUTH_CANCELLED_BY_USER: 13,
  NO_MORE_AUTH_METHODS_AVAILABLE: 14,
} as const;

const DISCONNECT_NAMES: Record<number, string> = {
  1: 'host not allowed to connect',
  2: 'protocol error',
  3: 'key exchange failed',
  4: 'reserved',
  5: 'MAC error',
  6: 'compression error',
  7: 'service not available',
  8: 'protocol version not supported',
  9: 'host key not verifiable',
  10: 'connection lost',
  11: 'by application',
  12: 'too many connections',
  13: 'auth cancelled by user',
  14: 'no more auth methods available',
  15: 'illegal user name',
};

export function disconnectReasonName(code: number): string {
  return DISCONNECT_NAMES[code] ?? `reason ${code}`;
}

/** Transport-layer messages that may arrive at any time (RFC 4253 §11), except under strict kex. */
export function isTransportGeneric(type: number): boolean {
  return type === MSG.DISCONNECT || type === MSG.IGNORE || type === MSG.UNIMPLEMENTED || type === MSG.DEBUG;
}

/** Messages allowed between KEXINIT and NEWKEYS (RFC 4253 §7.1): the key exchange's own (20-49). */
export function isKexMessage(type: number): boolean {
  return type >= 20 && type <= 49;
}
