// The "make a new key" form: type, size, comment, user name, passphrase twice (an empty one only
// after an explicit warning). The work runs in the key worker; the page stays responsive.
import { useEffect, useState } from 'preact/hooks';
import type { KeyRequirement } from '../../../core/delivery/profile.ts';
import { defaultComment, RSA_SIZES, type KeyGenSpec } from '../../../core/keys/index.ts';
import { t } from '../i18n/index.ts';
import { runKeyJob } from '../services/key-jobs.ts';
import { refreshKeys } from '../services/key-list.ts';
import type { KeyJobStage, KeyWorkerReply } from '../workers/key-protocol.ts';
import { keyErrorText } from './keys-errors.ts';

export type GeneratedKey = Extract<KeyWorkerReply, { type: 'generated' }> & { ident: string };

export interface KeysGenerateProps {
  onDone: (result: GeneratedKey) => void;
  /** The chosen server's key requirement (types, minimum and asked-for RSA size), if any. */
  requirement?: KeyRequirement;
  profileLabel?: string;
}

function allowedTypes(requirement?: KeyRequirement): KeyGenSpec['type'][] {
  const all: KeyGenSpec['type'][] = ['rsa', 'ed25519'];
  const ok = requirement ? all.filter((x) => requirement.types.includes(x)) : all;
  return ok.length > 0 ? ok : ['rsa'];
}

export function KeysGenerate({ onDone, requirement, profileLabel }: KeysGenerateProps) {
  const [type, setType] = useState<KeyGenSpec['type']>('rsa');
  const [bits, setBits] = useState<2048 | 3072 | 4096>(4096);
  const [comment, setComment] = useState(defaultComment('rsa'));
  const [commentEdited, setCommentEdited] = useState(false);
  const [ident, setIdent] = useState('');
  const [pass, setPass] = useState('');
  const [pass2, setPass2] = useState('');
  const [allowEmpty, setAllowEmpty] = useState(false);
  const [keep, setKeep] = useState(true);
  const [stage, setStage] = useState<KeyJobStage | null>(null);
  const [error, setError] = useState('');
  // Right after a key is made the emptied passphrase fields are not a choice: no warning then.
  const [justMade, setJustMade] = useState(false);

  const types = allowedTypes(requirement);
  const minBits = requirement?.minRsaBits ?? 2048;
  useEffect(() => {
    // A server profile decides the preselected size (VIKZ: 4096) and what is too small.
    const wanted = requirement?.rsaBits ?? Math.max(4096, requirement?.minRsaBits ?? 0);
    setBits((RSA_SIZES as readonly number[]).includes(wanted) ? (wanted as 2048 | 3072 | 4096) : 4096);
    const nextType = allowedTypes(requirement)[0]!;
    setType(nextType);
    if (!commentEdited) setComment(defaultComment(nextType));
  }, [requirement]);

  const mismatch = pass !== pass2 && pass2.length > 0;
  const empty = pass.length === 0;
  const ready = !stage && pass === pass2 && (!empty || allowEmpty) && comment.trim().length > 0 && (type !== 'rsa' || bits >= minBits);

  const chooseType = (value: KeyGenSpec['type']) => {
    setType(value);
    if (!commentEdited) setComment(defaultComment(value));
  };

  const generate = async (event: Event) => {
    event.preventDefault();
    if (!ready) return;
    setError('');
    setStage('generating');
    const spec: KeyGenSpec = type === 'rsa' ? { type, bits } : { type };
    const reply = await runKeyJob({ type: 'generate', spec, comment: comment.trim(), ident: ident.trim(), passphrase: pass, keep }, setStage);
    setStage(null);
    if (reply.type === 'generated') {
      setPass('');
      setPass2('');
      setAllowEmpty(false);
      setJustMade(true);
      onDone({ ...reply, ident: ident.trim() });
      void refreshKeys();
    } else if (reply.type === 'error') setError(keyErrorText(reply));
  };

  return (
    <form class="key-generate" onSubmit={(e) => void generate(e)} data-testid="keys-generate-form">
      <h3>{t('keys.gen.title')}</h3>
      <div class="options">
        <label>
          {t('keys.gen.type')}
          <select data-testid="keys-type" value={type} disabled={!!stage} onChange={(e) => chooseType((e.currentTarget as HTMLSelectElement).value as KeyGenSpec['type'])}>
            {types.map((x) => <option key={x} value={x}>{t(x === 'rsa' ? 'keys.gen.type.rsa' : 'keys.gen.type.ed25519')}</option>)}
          </select>
        </label>
        {type === 'rsa' && (
          <label>
            {t('keys.gen.bits')}
            <select data-testid="keys-bits" value={String(bits)} disabled={!!stage} onChange={(e) => setBits(Number((e.currentTarget as HTMLSelectElement).value) as 2048 | 3072 | 4096)}>
              {RSA_SIZES.map((b) => <option key={b} value={String(b)} disabled={b < minBits}>{b}</option>)}
            </select>
            {requirement && profileLabel && <span class="hint">{t('keys.gen.bits.profile', { profile: profileLabel, bits: requirement.rsaBits ?? minBits, min: minBits })}</span>}
          </label>
        )}
        <label>
          {t('keys.gen.comment')}
          <input type="text" data-testid="keys-comment" value={comment} disabled={!!stage} onInput={(e) => { setComment((e.currentTarget as HTMLInputElement).value); setCommentEdited(true); }} />
        </label>
        <label>
          {t('keys.gen.ident')}
          <input type="text" data-testid="keys-ident" value={ident} disabled={!!stage} autocomplete="username" onInput={(e) => setIdent((e.currentTarget as HTMLInputElement).value)} />
          <span class="hint">{t('keys.gen.ident.hint')}</span>
        </label>
      </div>
      <div class="options">
        <label>
          {t('keys.gen.passphrase')}
          <input type="password" data-testid="keys-pass" value={pass} disabled={!!stage} autocomplete="new-password" onInput={(e) => { setPass((e.currentTarget as HTMLInputElement).value); setJustMade(false); }} />
        </label>
        <label>
          {t('keys.gen.passphrase2')}
          <input type="password" data-testid="keys-pass2" value={pass2} disabled={!!stage} autocomplete="new-password" onInput={(e) => { setPass2((e.currentTarget as HTMLInputElement).value); setJustMade(false); }} />
        </label>
      </div>
      <p class="hint">{t('keys.gen.passphrase.hint')}</p>
      {mismatch && <p class="error" data-testid="keys-mismatch">{t('keys.gen.mismatch')}</p>}
      {empty && !justMade && (
        <div class="caution" data-testid="keys-empty-warning">
          <p>{t('keys.gen.emptyWarning')}</p>
          <label class="check">
            <input type="checkbox" data-testid="keys-allow-empty" checked={allowEmpty} onChange={(e) => setAllowEmpty((e.currentTarget as HTMLInputElement).checked)} /> {t('keys.gen.emptyConfirm')}
          </label>
        </div>
      )}
      <label class="check">
        <input type="checkbox" data-testid="keys-keep" checked={keep} disabled={!!stage} onChange={(e) => setKeep((e.currentTarget as HTMLInputElement).checked)} /> {t('keys.gen.keep')}
      </label>
      <div class="actions">
        <button type="submit" class="primary" data-testid="keys-generate" disabled={!ready}>{t('keys.gen.button')}</button>
      </div>
      {stage && (
        <div class="notice" role="status" data-testid="keys-progress">
          <progress /> {stage === 'generating' ? t('keys.gen.generating') : t('keys.gen.writing')}
        </div>
      )}
      {error && <p class="alert" role="alert" data-testid="keys-error">{error}</p>}
    </form>
  );
}
