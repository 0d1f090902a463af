// A freshly made key: its files to save (named by the user's id; which client takes which),
// fingerprints, copy, and the "send it to the registry" helper. It scrolls into view and takes
// focus when it appears, so the user sees what happened.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ServerProfile } from '../../../core/delivery/profile.ts';
import type { KeyFileOutput } from '../../../core/keys/index.ts';
import { t } from '../i18n/index.ts';
import { resultFileName } from '../services/key-names.ts';
import { downloadBlob } from '../services/sidecar-output.ts';
import type { GeneratedKey } from './keys-generate.tsx';
import { CopyButton, MailHelper } from './keys-mail.tsx';

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

export function KeysResult({ result, profile }: { result: GeneratedKey; profile?: ServerProfile }) {
  // The id names the files; editing the user name in the mail helper renames them all.
  const [ident, setIdent] = useState(result.ident);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'start' });
    heading.current?.focus({ preventScroll: true });
  }, [result.summary.sha256]);
  const name = (role: KeyFileOutput['role']) => resultFileName(role, result.summary.type, ident, profile);
  const publicLine = result.files.find((f) => f.role === 'authorized-keys')?.content.trim() ?? '';
  return (
    <section class="key-result" data-testid="keys-result" aria-labelledby="keys-result-title">
      <h3 id="keys-result-title" tabIndex={-1} ref={heading} data-testid="keys-result-title">{t('keys.result.title')}</h3>
      <p class="caution">{t('keys.result.backup')}</p>
      <dl class="receipt-facts">
        <dt>{t('keys.fp.sha256')}</dt>
        <dd class="mono" data-testid="keys-fp-sha256">{result.summary.sha256}</dd>
        <dt>{t('keys.fp.md5')}</dt>
        <dd class="mono" data-testid="keys-fp-md5">{result.summary.md5}</dd>
      </dl>
      {result.stored && (
        <p class={result.stored.protection === 'passphrase' ? 'success' : 'caution'} data-testid="keys-result-kept">
          {t(result.stored.protection === 'passphrase' ? 'keys.result.kept' : 'keys.result.keptUnprotected', { name: result.stored.name })}
        </p>
      )}
      <table class="files">
        <caption class="visually-hidden">{t('keys.result.files')}</caption>
        <tbody>
          {result.files.map((f) => (
            <tr key={f.role}>
              <td class="mono" data-testid={`keys-file-${f.role}`}>{name(f.role)}</td>
              <td>{fileText(f.role)}</td>
              <td class="row-actions">
                <button type="button" data-testid={`keys-download-${f.role}`} onClick={() => downloadBlob(name(f.role), new Blob([f.content], { type: 'application/octet-stream' }))}>
                  {t('keys.downloadName', { name: name(f.role) })}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>{t('keys.result.clients', { ppk: name('ppk3'), ppk2: name('ppk2'), openssh: name('openssh-private'), asc: name('rfc4716') })}</p>
      <div class="actions">
        <CopyButton text={publicLine} label={t('keys.copy')} testId="keys-copy" />
      </div>
      {profile?.mail && <MailHelper result={result} ident={ident} onIdent={setIdent} ascName={name('rfc4716')} profile={profile} />}
    </section>
  );
}
