// What the client core tells its driver. Events that ask something (host-key, sign, prompt)
// carry an id the driver answers with; the core waits without blocking anything else.
import type { SshError } from './errors.ts';
import type { HostKeyInfo } from './host-key-policy.ts';

export interface KeyboardInteractivePrompt {
  prompt: string;
  echo: boolean;
}

export type SshWarningCode =
  /** An RSA signature with SHA-1 (`ssh-rsa`) is used: collisions make SHA-1 signatures forgeable. */
  | 'ssh-rsa-sha1'
  /** chacha20-poly1305 or an EtM MAC without strict kex: a man in the middle can drop early packets (Terrapin). */
  | 'terrapin-exposed';

export interface SshWarning {
  code: SshWarningCode;
  message: string;
  details: Record<string, string | string[]>;
}

export type SshEvent =
  | { type: 'host-key'; key: HostKeyInfo }
  | { type: 'banner'; text: string }
  | { type: 'sign'; id: number; algorithm: string; data: Uint8Array }
  | { type: 'prompt'; id: number; name: string; instruction: string; prompts: KeyboardInteractivePrompt[] }
  | { type: 'warning'; warning: SshWarning }
  | { type: 'authenticated' }
  | { type: 'kex-done'; count: number }
  | { type: 'channel-open'; channel: number }
  | { type: 'channel-refused'; channel: number; error: SshError }
  | { type: 'channel-data'; channel: number; data: Uint8Array }
  | { type: 'channel-eof'; channel: number }
  | { type: 'channel-closed'; channel: number }
  | { type: 'channel-writable'; channel: number }
  | { type: 'exit-status'; channel: number; status: number }
  | { type: 'closed'; error: SshError | null };
