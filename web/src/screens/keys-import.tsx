// Import an existing private key file into the key store (asks for its passphrase when needed).
import { useRef, useState } from 'preact/hooks';
import { needsPassphrase } from '../../../core/keys/index.ts';
import { t } from '../i18n/index.ts';
import { runKeyJob } from '../services/key-jobs.ts';
import { refreshKeys } from '../services/key-list.ts';
import { keyErrorText } from './keys-errors.ts';

export function KeysImport() {
  const [data, setData] = useState<Uint8Array | null>(null);
  const [fileName, setFileName] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const [askPass, setAskPass] = useState(false);
  const [pass, setPass] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const pick = async (input: HTMLInputElement) => {
    setMessage(null);
    const file = input.files?.[0];
    if (!file) return;
    setFileName(file.name);
    const bytes = new Uint8Array(await file.arrayBuffer());
    setData(bytes);
    setAskPass(needsPassphrase(bytes));
  };

  const importKey = async (event: Event) => {
    event.preventDefault();
    if (!data) return;
    setBusy(true);
    setMessage(null);
    const reply = await runKeyJob({ type: 'import', data, passphrase: pass || undefined });
    setBusy(false);
    if (reply.type === 'imported') {
      setMessage({ ok: true, text: t('keys.import.done', { name: reply.stored.name, fingerprint: reply.summary.sha256 }) });
      setPass('');
      void refreshKeys();
    } else if (reply.type === 'error') {
      if (reply.code === 'passphrase-required') setAskPass(true);
      setMessage({ ok: false, text: keyErrorText(reply) });
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
          <span class={fileName ? 'mono' : 'hint'}>{fileName || t('keys.import.noFile')}</span>
          <input ref={fileInput} type="file" hidden data-testid="keys-import-file" onChange={(e) => void pick(e.currentTarget as HTMLInputElement)} />
        </div>
        {askPass && (
          <label>
            {t('keys.import.passphrase')}
            <input type="password" data-testid="keys-import-pass" value={pass} autocomplete="current-password" onInput={(e) => setPass((e.currentTarget as HTMLInputElement).value)} />
          </label>
        )}
      </div>
      <div class="actions">
        <button type="submit" class="primary" data-testid="keys-import" disabled={!data || busy}>{t('keys.import.button')}</button>
        {busy && <span role="status"><progress /> {t('keys.import.reading')}</span>}
      </div>
      {message && <p class={message.ok ? 'success' : 'alert'} role={message.ok ? 'status' : 'alert'} data-testid="keys-import-message">{message.text}</p>}
    </form>
  );
}
