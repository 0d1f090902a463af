// A freshly made key: its files to save (which client takes which), fingerprints, copy, and the
// "mail it to the registry" helper.
import { useState } from 'preact/hooks';
import { fillTemplate, type ServerProfile } from '../../../core/delivery/profile.ts';
import type { KeyFileOutput } from '../../../core/keys/index.ts';
import { t } from '../i18n/index.ts';
import { defaultCc, mailtoLink } from '../services/key-mail.ts';
import { downloadBlob } from '../services/sidecar-output.ts';
import type { GeneratedKey } from './keys-generate.tsx';

function fileText(role: KeyFileOutput['role']): string {
  switch (role) {
    case 'rfc4716':
      return t('keys.file.rfc4716');
    case 'authorized-keys':
      return t('keys.file.authorized-keys');
    case 'ppk3':
      return t('keys.file.ppk3');
    case 'ppk2':
      return t('keys.file.ppk2');
    case 'openssh-private':
      return t('keys.file.openssh-private');
  }
}

function MailHelper({ result, ascName, profile }: { result: GeneratedKey; ascName: string; profile: ServerProfile }) {
  const mail = profile.mail!;
  const [username, setUsername] = useState(result.ident);
  const [chosenCc, setChosenCc] = useState(defaultCc(mail, result.ident));
  const [extraCc, setExtraCc] = useState('');
  const cc = mail.ccChoice === 'one' ? [chosenCc] : mail.cc;
  const href = mailtoLink({
    to: mail.to,
    cc: [...cc, extraCc],
    subject: fillTemplate(mail.subject, username.trim()),
    body: t('keys.mail.body', { file: ascName, username: username.trim(), fingerprint: result.summary.sha256, server: profile.label }),
  });
  return (
    <div class="key-mail" data-testid="keys-mail">
      <h3>{t('keys.mail.title')}</h3>
      <div class="options">
        <label>
          {t('keys.mail.username')}
          <input type="text" data-testid="keys-mail-username" value={username} onInput={(e) => {
            const v = (e.currentTarget as HTMLInputElement).value;
            setUsername(v);
            setChosenCc(defaultCc(mail, v));
          }} />
        </label>
        {mail.ccChoice === 'one' && (
          <label>
            {t('keys.mail.cc')}
            <select data-testid="keys-mail-cc" value={chosenCc} onChange={(e) => setChosenCc((e.currentTarget as HTMLSelectElement).value)}>
              {mail.cc.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          </label>
        )}
        <label>
          {t('keys.mail.chief')}
          <input type="email" data-testid="keys-mail-chief" value={extraCc} onInput={(e) => setExtraCc((e.currentTarget as HTMLInputElement).value)} />
        </label>
      </div>
      <p class="hint">{t('keys.mail.attach', { file: ascName })}</p>
      <div class="actions">
        <a href={href} class="button primary" data-testid="keys-mail-link">{t('keys.mail.open')}</a>
      </div>
    </div>
  );
}

export function KeysResult({ result, profile }: { result: GeneratedKey; profile?: ServerProfile }) {
  const [copied, setCopied] = useState(false);
  const name = (role: KeyFileOutput['role']) => result.files.find((f) => f.role === role)?.name ?? '';
  const publicLine = result.files.find((f) => f.role === 'authorized-keys')?.content.trim() ?? '';
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(publicLine);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <section class="key-result" data-testid="keys-result">
      <h3>{t('keys.result.title')}</h3>
      <p class="caution">{t('keys.result.backup')}</p>
      <dl class="receipt-facts">
        <dt>{t('keys.fp.sha256')}</dt>
        <dd class="mono" data-testid="keys-fp-sha256">{result.summary.sha256}</dd>
        <dt>{t('keys.fp.md5')}</dt>
        <dd class="mono" data-testid="keys-fp-md5">{result.summary.md5}</dd>
      </dl>
      {result.stored && <p class="success">{t('keys.result.kept', { name: result.stored.name })}</p>}
      <table class="files">
        <tbody>
          {result.files.map((f) => (
            <tr key={f.role}>
              <td class="mono">{f.name}</td>
              <td>{fileText(f.role)}</td>
              <td class="row-actions">
                <button type="button" data-testid={`keys-download-${f.role}`} aria-label={t('keys.downloadName', { name: f.name })} onClick={() => downloadBlob(f.name, new Blob([f.content], { type: 'application/octet-stream' }))}>
                  {t('keys.download')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>{t('keys.result.clients', { openssh: name('openssh-private'), asc: name('rfc4716') })}</p>
      <div class="actions">
        <button type="button" data-testid="keys-copy" onClick={() => void copy()}>{t('keys.copy')}</button>
        {copied && <span class="ok">{t('keys.copied')}</span>}
      </div>
      {profile?.mail && <MailHelper result={result} ascName={name('rfc4716')} profile={profile} />}
    </section>
  );
}
