// Import an existing private key file into the key store. The file is handed to the key worker,
// which reads it: its text never enters the page. The kept copy is locked with the file's
// passphrase, or — for an unencrypted file — with one the user chooses here (none only after the
// warning). When the import ends the picked file and every passphrase are dropped from the page.
import { useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import { runKeyJob } from '../services/key-jobs.ts';
import { refreshKeys } from '../services/key-list.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import type { CodedError } from '../i18n/describe-error.ts';
import { keyJobError } from './keys-errors.ts';

/** What the last import said, as data: worded at each render, so a language switch rewords it. */
type ImportMessage =
  | { kind: 'done'; protectedBy: 'passphrase' | 'none'; name: string; fingerprint: string }
  | { kind: 'not-key' }
  | { kind: 'error'; error: CodedError };

export function KeysImport() {
  // The picked File lives in a ref only while it is being imported (a ref is not rendered state).
  const picked = useRef<File | null>(null);
  const [fileName, setFileName] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const [encrypted, setEncrypted] = useState(false);
  const [pass, setPass] = useState('');
  const [lock, setLock] = useState('');
  const [lock2, setLock2] = useState('');
  const [allowEmpty, setAllowEmpty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<ImportMessage | null>(null);

  const forget = () => {
    picked.current = null;
    if (fileInput.current) fileInput.current.value = '';
    setFileName('');
    setPass('');
    setLock('');
    setLock2('');
    setAllowEmpty(false);
    setEncrypted(false);
  };

  const pick = async (input: HTMLInputElement) => {
    setMessage(null);
    const file = input.files?.[0];
    // The input lets go of the file at once; only our ref holds it until the import ends.
    input.value = '';
    if (!file) return;
    picked.current = file;
    setFileName(file.name);
    const reply = await runKeyJob({ type: 'probe', file });
    if (picked.current !== file) return;
    if (reply.type === 'probed' && !reply.format) {
      setMessage({ kind: 'not-key' });
      forget();
      return;
    }
    setEncrypted(reply.type === 'probed' && reply.encrypted);
  };

  const lockMismatch = lock !== lock2 && lock2.length > 0;
  const lockReady = encrypted || (lock !== '' && lock === lock2) || (lock === '' && lock2 === '' && allowEmpty);
  const canImport = Boolean(fileName) && !busy && (!encrypted || pass !== '') && lockReady;

  const importKey = async (event: Event) => {
    event.preventDefault();
    const file = picked.current;
    if (!file || !canImport) return;
    setBusy(true);
    setMessage(null);
    const reply = await runKeyJob({
      type: 'import',
      file,
      passphrase: encrypted ? pass : undefined,
      keep: encrypted ? {} : lock ? { passphrase: lock } : { allowUnprotected: true },
    });
    setBusy(false);
    if (reply.type === 'imported') {
      setMessage({ kind: 'done', protectedBy: reply.stored.protection === 'passphrase' ? 'passphrase' : 'none', name: reply.stored.name, fingerprint: reply.summary.sha256 });
      forget();
      void refreshKeys();
    } else if (reply.type === 'error') {
      // A wrong passphrase is typed again; the file stays picked so nothing else is lost.
      setPass('');
      if (reply.code === 'passphrase-required') setEncrypted(true);
      else if (reply.code !== 'wrong-passphrase') forget();
      setMessage({ kind: 'error', error: keyJobError(reply) });
    }
  };

  return (
    <form class="key-import" onSubmit={(e) => void importKey(e)}>
      <h3>{t('keys.import.title')}</h3>
      <p class="hint">{t('keys.import.intro')}</p>
      <div class="options">
        <div class="file-pick">
          {/* The browser's own file button speaks the browser's language, not the app's: ours does. */}
          <button type="button" onClick={() => fileInput.current?.click()}>{t('keys.import.pick')}</button>
          <span class={fileName ? 'mono' : 'hint'} data-testid="keys-import-name">{fileName || t('keys.import.noFile')}</span>
          <input ref={fileInput} type="file" hidden data-testid="keys-import-file" onChange={(e) => void pick(e.currentTarget as HTMLInputElement)} />
        </div>
        {fileName && encrypted && (
          <label>
            {t('keys.import.passphrase')}
            <input type="password" data-testid="keys-import-pass" value={pass} autocomplete="current-password" onInput={(e) => setPass((e.currentTarget as HTMLInputElement).value)} />
            <span class="hint">{t('keys.import.lockSame')}</span>
          </label>
        )}
      </div>
      {fileName && !encrypted && (
        <fieldset class="options" data-testid="keys-import-lock">
          <legend>{t('keys.import.lockTitle')}</legend>
          <label>
            {t('keys.gen.passphrase')}
            <input type="password" data-testid="keys-import-lock-pass" value={lock} autocomplete="new-password" onInput={(e) => setLock((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <label>
            {t('keys.gen.passphrase2')}
            <input type="password" data-testid="keys-import-lock-pass2" value={lock2} autocomplete="new-password" onInput={(e) => setLock2((e.currentTarget as HTMLInputElement).value)} />
          </label>
          {lockMismatch && <p class="error">{t('keys.gen.mismatch')}</p>}
          {lock === '' && (
            <div class="caution">
              <p>{t('keys.import.emptyWarning')}</p>
              <label class="check">
                <input type="checkbox" data-testid="keys-import-allow-empty" checked={allowEmpty} onChange={(e) => setAllowEmpty((e.currentTarget as HTMLInputElement).checked)} /> {t('keys.import.emptyConfirm')}
              </label>
            </div>
          )}
        </fieldset>
      )}
      <div class="actions">
        <button type="submit" class="primary" data-testid="keys-import" disabled={!canImport}>{t('keys.import.button')}</button>
        <span role="status">{busy && <><progress /> {t('keys.import.reading')}</>}</span>
      </div>
      {message?.kind === 'done' && (
        <p class="success" role="status" data-testid="keys-import-message">
          {t(message.protectedBy === 'passphrase' ? 'keys.import.done' : 'keys.import.doneUnprotected', { name: message.name, fingerprint: message.fingerprint })}
        </p>
      )}
      {message?.kind === 'not-key' && <p class="alert" role="alert" data-testid="keys-import-message">{t('keys.import.notKey')}</p>}
      {message?.kind === 'error' && <ErrorMessage error={message.error} testId="keys-import-message" />}
    </form>
  );
}
