// core/ssh: an SSH client connection over a byte transport, behind our own small interface.
// The TCP transport (transport-node.ts) is Node-only and deliberately not re-exported here.
export type { SshChannelStream } from './channel.ts';
export { connectSsh, type ConnectOptions, type KeyboardInteractivePrompt, type NegotiatedAlgorithms, type SshAuthOptions, type SshConnection, type SshWarning } from './connection.ts';
export * from './errors.ts';
export { md5Fingerprint, normalizeSha256Fingerprint, sha256Fingerprint } from './fingerprint.ts';
export * from './host-key-policy.ts';
export type { AlgorithmPreferences } from './offer.ts';
export type { ByteTransport } from './transport.ts';
export { connectWebSocket, gatewayCloseError, type WebSocketOptions } from './transport-websocket.ts';
export type { SshUserKey } from './user-key.ts';
