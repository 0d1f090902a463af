// "Send the public key": the message the registry's template asks for, shown in full — recipient,
// copy, subject, body, each with a copy button — so it can be written in any e-mail program, and
// as a mailto: link that opens one filled in.
import { useState } from 'preact/hooks';
import { fillTemplate, type ServerProfile } from '../../../core/delivery/profile.ts';
import { t } from '../i18n/index.ts';
import { defaultCc, mailtoLink } from '../services/key-mail.ts';
import { checkIdent } from '../services/key-names.ts';
import type { GeneratedKey } from './keys-generate.tsx';

/** A copy button that says it copied; `label` names what it copies (buttons in a row must differ). */
export function CopyButton({ text, label, testId }: { text: string; label: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 4000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <>
      <button type="button" data-testid={testId} onClick={() => void copy()}>{label}</button>
      <span role="status" class="ok">{copied ? t('keys.copied') : ''}</span>
    </>
  );
}

function Field({ label, value, testId, multiline = false }: { label: string; value: string; testId: string; multiline?: boolean }) {
  return (
    <div class="mail-field">
      <dt>{label}</dt>
      <dd>
        {multiline ? <pre class="mono" data-testid={testId}>{value}</pre> : <span class="mono" data-testid={testId}>{value}</span>}
        {' '}
        <CopyButton text={value} label={t('keys.mail.copyField', { field: label })} testId={`${testId}-copy`} />
      </dd>
    </div>
  );
}

export function MailHelper({ result, ident, onIdent, ascName, profile }: { result: GeneratedKey; ident: string; onIdent: (v: string) => void; ascName: string; profile: ServerProfile }) {
  const mail = profile.mail!;
  const [chosenCc, setChosenCc] = useState(defaultCc(mail, ident));
  const [extraCc, setExtraCc] = useState('');
  const username = ident.trim();
  const cc = [...(mail.ccChoice === 'one' ? [chosenCc] : mail.cc), extraCc].map((c) => c.trim()).filter(Boolean);
  const subject = fillTemplate(mail.subject, username);
  const body = t('keys.mail.body', { file: ascName, username, fingerprint: result.summary.sha256, server: profile.label });
  const href = mailtoLink({ to: mail.to, cc, subject, body });
  const identCheck = checkIdent(profile, ident);
  return (
    <div class="key-mail" data-testid="keys-mail">
      <h3>{t('keys.mail.title')}</h3>
      <div class="options">
        <label>
          {t('keys.mail.username')}
          <input type="text" data-testid="keys-mail-username" value={ident} aria-invalid={identCheck === 'invalid' ? 'true' : undefined} onInput={(e) => {
            const v = (e.currentTarget as HTMLInputElement).value;
            onIdent(v);
            setChosenCc(defaultCc(mail, v));
          }} />
          {identCheck === 'invalid' && profile.username && <span class="error" data-testid="keys-mail-username-invalid">{t('keys.gen.ident.invalid', { example: profile.username.example, profile: profile.label })}</span>}
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
      <dl class="mail-message" data-testid="keys-mail-message">
        <Field label={t('keys.mail.to')} value={mail.to.join(', ')} testId="keys-mail-to" />
        {cc.length > 0 && <Field label={t('keys.mail.ccField')} value={cc.join(', ')} testId="keys-mail-ccs" />}
        <Field label={t('keys.mail.subject')} value={subject} testId="keys-mail-subject" />
        <Field label={t('keys.mail.attachment')} value={ascName} testId="keys-mail-attachment" />
        <Field label={t('keys.mail.bodyField')} value={body} testId="keys-mail-body" multiline />
      </dl>
      <p class="hint">{t('keys.mail.attach', { file: ascName })}</p>
      <div class="actions">
        <a href={href} class="button primary" data-testid="keys-mail-link">{t('keys.mail.open')}</a>
      </div>
    </div>
  );
}
