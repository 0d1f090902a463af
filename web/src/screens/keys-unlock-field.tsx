// The passphrase that unlocks a kept key for this session, asked where the user connects.
// Used by the Deliver screen's connect panel; the passphrase goes to the session worker with
// the connect request and is not kept (see workers/key-session.ts).
import type { StoredKeyInfo } from '../../../core/keys/index.ts';
import { t } from '../i18n/index.ts';

/** Whether connecting with this kept key needs its passphrase. */
export function keyNeedsPassphrase(key: StoredKeyInfo | undefined): boolean {
  return key?.protection === 'passphrase';
}

export function KeyUnlockField({ storedKey, value, onInput }: { storedKey: StoredKeyInfo | undefined; value: string; onInput: (value: string) => void }) {
  if (!storedKey) return null;
  if (!keyNeedsPassphrase(storedKey)) {
    return <p class="caution" data-testid="login-key-unprotected">{t(storedKey.protection === 'legacy' ? 'keys.unlock.legacy' : 'keys.unlock.unprotected')}</p>;
  }
  return (
    <label>
      {t('keys.unlock.passphrase')}
      <input type="password" data-testid="login-key-pass" autocomplete="current-password" value={value} onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)} />
      <span class="hint">{t('keys.unlock.hint')}</span>
    </label>
  );
}
