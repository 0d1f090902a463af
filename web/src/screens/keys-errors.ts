// A key job's failure, in the user's language.
import { t } from '../i18n/index.ts';
import type { KeyWorkerReply } from '../workers/key-protocol.ts';

export function keyErrorText(reply: Extract<KeyWorkerReply, { type: 'error' }>): string {
  switch (reply.code) {
    case 'wrong-passphrase':
      return t('keys.error.wrong-passphrase');
    case 'tampered':
      return t('keys.error.tampered');
    case 'unsupported':
      return t('keys.error.unsupported', { reason: reply.message });
    case 'malformed':
      return t('keys.error.malformed', { reason: reply.message });
    case 'passphrase-required':
      return t('keys.error.passphrase-required');
    case 'public':
      return t('keys.error.public');
    default:
      return t('keys.gen.failed', { reason: reply.message });
  }
}
