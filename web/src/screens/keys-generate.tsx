// The "make a new key" form: type, size, user name (checked against the server's pattern),
// comment, passphrase twice (an empty one only after an explicit warning). The work runs in the
// key worker; the page stays responsive. A kept copy is locked with the same passphrase.
import { useEffect, useState } from 'preact/hooks';
import type { KeyRequirement, ServerProfile } from '../../../core/delivery/profile.ts';
import { defaultComment, RSA_SIZES, type KeyGenSpec } from '../../../core/keys/index.ts';
import { t } from '../i18n/index.ts';
import { runKeyJob } from '../services/key-jobs.ts';
import { refreshKeys } from '../services/key-list.ts';
import { checkIdent, keptKeyName } from '../services/key-names.ts';
import type { KeyJobStage, KeyWorkerReply } from '../workers/key-protocol.ts';
import type { CodedError } from '../i18n/describe-error.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { keyJobError } from './keys-errors.ts';

export type GeneratedKey = Extract<KeyWorkerReply, { type: 'generated' }> & { ident: string; protectedBy: 'passphrase' | 'none' };

export interface KeysGenerateProps {
  onDone: (result: GeneratedKey) => void;
  /** The chosen server profile: its key requirement (types, minimum and asked-for RSA size) and user-name pattern. */
  profile?: ServerProfile;
  profileLabel?: string;
}

function allowedTypes(requirement?: KeyRequirement): KeyGenSpec['type'][] {
  const all: KeyGenSpec['type'][] = ['rsa', 'ed25519'];
  const ok = requirement ? all.filter((x) => requirement.types.includes(x)) : all;
  return ok.length > 0 ? ok : ['rsa'];
}

export function KeysGenerate({ onDone, profile, profileLabel }: KeysGenerateProps) {
  const requirement = profile?.key;
  const [type, setType] = useState<KeyGenSpec['type']>('rsa');
  const [bits, setBits] = useState<2048 | 3072 | 4096>(4096);
  const [ident, setIdent] = useState('');
  const [comment, setComment] = useState(defaultComment('rsa'));
  const [commentEdited, setCommentEdited] = useState(false);
  const [pass, setPass] = useState('');
  const [pass2, setPass2] = useState('');
  const [allowEmpty, setAllowEmpty] = useState(false);
  const [keep, setKeep] = useState(true);
  const [stage, setStage] = useState<KeyJobStage | null>(null);
  const [error, setError] = useState<CodedError | null>(null);
  // Right after a key is made the emptied passphrase fields are not a choice: say what happened instead of warning.
  const [made, setMade] = useState<'passphrase' | 'none' | null>(null);

  const types = allowedTypes(requirement);
  const minBits = requirement?.minRsaBits ?? 2048;
  useEffect(() => {
    // A server profile decides the preselected size (VIKZ: 4096) and what is too small.
    const wanted = requirement?.rsaBits ?? Math.max(4096, requirement?.minRsaBits ?? 0);
    setBits((RSA_SIZES as readonly number[]).includes(wanted) ? (wanted as 2048 | 3072 | 4096) : 4096);
    const nextType = allowedTypes(requirement)[0]!;
    setType(nextType);
    if (!commentEdited) setComment(defaultComment(nextType, new Date(), ident));
  }, [requirement]);

  const identCheck = checkIdent(profile, ident);
  const mismatch = pass !== pass2 && pass2.length > 0;
  const empty = pass.length === 0;
  const ready = !stage && pass === pass2 && (!empty || allowEmpty) && comment.trim().length > 0 && (type !== 'rsa' || bits >= minBits) && identCheck !== 'invalid';

  const chooseType = (value: KeyGenSpec['type']) => {
    setType(value);
    if (!commentEdited) setComment(defaultComment(value, new Date(), ident));
  };
  const typeIdent = (value: string) => {
    setIdent(value);
    if (!commentEdited) setComment(defaultComment(type, new Date(), value));
  };
  const typePass = (set: (v: string) => void, value: string) => {
    set(value);
    setMade(null);
  };

  const generate = async (event: Event) => {
    event.preventDefault();
    if (!ready) return;
    setError(null);
    setMade(null);
    setStage('generating');
    const spec: KeyGenSpec = type === 'rsa' ? { type, bits } : { type };
    const id = ident.trim();
    const keepOptions = keep ? { name: keptKeyName(id, comment), allowUnprotected: empty && allowEmpty } : null;
    const reply = await runKeyJob({ type: 'generate', spec, comment: comment.trim(), ident: id, passphrase: pass, keep: keepOptions }, setStage);
    setStage(null);
    if (reply.type === 'generated') {
      const protectedBy = empty ? 'none' : 'passphrase';
      // The passphrase leaves the page state as soon as it has done its work.
      setPass('');
      setPass2('');
      setAllowEmpty(false);
      setMade(protectedBy);
      onDone({ ...reply, ident: id, protectedBy });
      void refreshKeys();
    } else if (reply.type === 'error') setError(keyJobError(reply));
  };

  const identHint = profile?.username ? t('keys.gen.ident.example', { example: profile.username.example }) : t('keys.gen.ident.hint');
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
          {t('keys.gen.ident')}
          <input type="text" data-testid="keys-ident" value={ident} disabled={!!stage} autocomplete="username" aria-invalid={identCheck === 'invalid' ? 'true' : undefined} onInput={(e) => typeIdent((e.currentTarget as HTMLInputElement).value)} />
          {identCheck === 'invalid' && profile?.username
            ? <span class="error" data-testid="keys-ident-invalid">{t('keys.gen.ident.invalid', { example: profile.username.example, profile: profileLabel ?? '' })}</span>
            : <span class="hint">{identHint}</span>}
        </label>
        <label>
          {t('keys.gen.comment')}
          <input type="text" data-testid="keys-comment" value={comment} disabled={!!stage} onInput={(e) => { setComment((e.currentTarget as HTMLInputElement).value); setCommentEdited(true); }} />
        </label>
      </div>
      <div class="options">
        <label>
          {t('keys.gen.passphrase')}
          <input type="password" data-testid="keys-pass" value={pass} disabled={!!stage} autocomplete="new-password" onInput={(e) => typePass(setPass, (e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          {t('keys.gen.passphrase2')}
          <input type="password" data-testid="keys-pass2" value={pass2} disabled={!!stage} autocomplete="new-password" onInput={(e) => typePass(setPass2, (e.currentTarget as HTMLInputElement).value)} />
        </label>
      </div>
      <p class="hint">{t('keys.gen.passphrase.hint')}</p>
      {mismatch && <p class="error" data-testid="keys-mismatch">{t('keys.gen.mismatch')}</p>}
      <div role="status">{made && <p class="success" data-testid="keys-made-note">{t(made === 'passphrase' ? 'keys.gen.made' : 'keys.gen.madeUnprotected')}</p>}</div>
      {empty && !made && (
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
      <div role="status" data-testid="keys-progress-region">
        {stage && (
          <div class="notice" data-testid="keys-progress">
            <progress /> {stage === 'generating' ? t('keys.gen.generating') : t('keys.gen.writing')}
          </div>
        )}
      </div>
      {error && <ErrorMessage error={error} testId="keys-error" />}
    </form>
  );
}
