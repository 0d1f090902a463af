// Choose the server profile, the account, and a key or password; then connect. Failures are
// shown in the user's language with what to do next.
import { useEffect, useRef, useState } from 'preact/hooks';
import { checkKeyAgainstProfile, type KeyType, type ServerProfile } from '../../../../core/delivery/profile.ts';
import { t } from '../../i18n/index.ts';
import { profileLabel, profileNotes, profileTechnical } from '../../i18n/profile-label.ts';
import { refreshKeys, storedKeys } from '../../services/key-list.ts';
import { KeyUnlockField, keyNeedsPassphrase } from '../../screens/keys-unlock-field.tsx';
import {
  allProfiles, customProfiles, deleteProfile, exportAllProfiles, gatewayTargets, importProfileFile, loadGatewayTargets, loadProfiles, publishedFingerprints,
} from '../../services/profile-store.ts';
import { connect, connectionError, connectionState } from '../../services/session-client.ts';
import { downloadBlob } from '../../services/sidecar-output.ts';
import { matchesUsernamePattern } from '../../../../core/delivery/username-pattern.ts';
import { profileFileProblems } from '../../i18n/profile-problems.ts';
import { ErrorMessage } from '../error-message.tsx';
import { useFocusOn } from '../focus.ts';

const LAST_PROFILE = 'courier.deliver.profile';
const userKey = (profileId: string) => `courier.deliver.user.${profileId}`;

function keyTypeOf(sshType: string): KeyType {
  return sshType === 'ssh-rsa' ? 'rsa' : sshType === 'ssh-ed25519' ? 'ed25519' : 'ecdsa';
}

function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // private mode
  }
}

function recall(key: string): string {
  try {
    return localStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

export function ConnectPanel({ onProfile }: { onProfile: (p: ServerProfile) => void }) {
  const profiles = allProfiles();
  const [profileId, setProfileId] = useState(() => recall(LAST_PROFILE) || 'demo');
  const profile = profiles.find((p) => p.id === profileId) ?? profiles[0]!;
  const [username, setUsername] = useState(() => recall(userKey(profile.id)));
  const [method, setMethod] = useState<'key' | 'password'>(profile.authMethods.includes('publickey') ? 'key' : 'password');
  const [keyId, setKeyId] = useState('');
  const [password, setPassword] = useState('');
  const [keyPass, setKeyPass] = useState('');
  // What an import said, kept as data and worded at each render: a language switch rewords it.
  const [notice, setNotice] = useState<{ kind: 'ok'; n: number } | { kind: 'error'; err: unknown } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void loadProfiles();
    void loadGatewayTargets();
    void refreshKeys();
  }, []);
  // The fields follow the profile at once when the user picks one (an effect would run after the
  // next paint and could wipe what was typed meanwhile); the effect covers other changes (lists loading).
  const fieldsFor = useRef(profile.id);
  const resetFields = (p: ServerProfile) => {
    fieldsFor.current = p.id;
    setUsername(recall(userKey(p.id)));
    setMethod(p.authMethods.includes('publickey') ? 'key' : 'password');
  };
  const chooseProfile = (id: string) => {
    setProfileId(id);
    // What the last attempt said ("you did not trust the fingerprint…") was about the other server.
    connectionError.value = null;
    const chosen = profiles.find((p) => p.id === id);
    if (chosen) resetFields(chosen);
  };
  useEffect(() => {
    onProfile(profile);
    if (fieldsFor.current !== profile.id) resetFields(profile);
  }, [profile.id]);
  useEffect(() => {
    if (!keyId && storedKeys.value[0]) setKeyId(storedKeys.value[0].id);
  }, [storedKeys.value]);

  const targets = gatewayTargets.value;
  const inGateway = Array.isArray(targets) ? targets.some((g) => g.id === profile.targetId) : true;
  const key = storedKeys.value.find((k) => k.id === keyId);
  const keyCheck = key ? checkKeyAgainstProfile(profile, { type: keyTypeOf(key.type), bits: key.bits }) : { ok: true as const };
  const usernameOk = username === '' || matchesUsernamePattern(profile.username?.pattern, username);
  const passwordAllowed = profile.authMethods.includes('password') || profile.authMethods.includes('keyboard-interactive');
  const keyAllowed = profile.authMethods.includes('publickey');
  const busy = connectionState.value === 'connecting';
  const failure = connectionState.value !== 'connecting' ? connectionError.value : null;
  // The Connect button was disabled while connecting, which drops focus to the page: the answer takes it.
  const failureRef = useFocusOn<HTMLDivElement>(failure);
  const canConnect = !busy && username.trim() !== '' && usernameOk && inGateway && targets !== 'unreachable' &&
    (method === 'key' ? Boolean(key) && keyCheck.ok && (!keyNeedsPassphrase(key) || keyPass !== '') : password !== '');

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!canConnect) return;
    remember(LAST_PROFILE, profile.id);
    remember(userKey(profile.id), username.trim());
    await connect({
      targetId: profile.targetId,
      username: username.trim(),
      auth: method === 'key' ? { kind: 'key', keyId, ...(keyPass ? { passphrase: keyPass } : {}) } : { kind: 'password', password },
      publishedFingerprints: publishedFingerprints(profile),
      uploadFolder: profile.uploadFolder,
      sidecar: profile.sidecar,
      tempRename: profile.tempRename,
      allowSshRsa: profile.allowSshRsa === true,
      profileId: profile.id,
      profileLabel: profileLabel(profile),
    }).catch(() => undefined);
    setPassword('');
    setKeyPass('');
  };

  return (
    <form class="panel" data-testid="connect-panel" onSubmit={(e) => void submit(e)}>
      <div class="options">
        <label>
          {t('deliver.profile')}
          <select data-testid="profile" value={profile.id} onChange={(e) => chooseProfile((e.currentTarget as HTMLSelectElement).value)}>
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>{profileLabel(p)}{p.builtIn ? '' : ` · ${t('deliver.profile.custom')}`}</option>
            ))}
          </select>
        </label>
        <div class="actions">
          <button type="button" onClick={() => fileInput.current?.click()}>{t('deliver.profile.import')}</button>
          <button type="button" onClick={() => downloadBlob('sftp-courier-profiles.json', exportAllProfiles())}>{t('deliver.profile.export')}</button>
          {customProfiles.value.some((p) => p.id === profile.id) && (
            <button type="button" class="danger" onClick={() => void deleteProfile(profile.id)}>{t('deliver.profile.delete')}</button>
          )}
          <input
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            hidden
            data-testid="profile-import"
            onChange={async (e) => {
              const input = e.currentTarget as HTMLInputElement;
              const file = input.files?.[0];
              input.value = '';
              if (!file) return;
              try {
                setNotice({ kind: 'ok', n: await importProfileFile(await file.text()) });
              } catch (err) {
                setNotice({ kind: 'error', err });
              }
            }}
          />
        </div>
      </div>
      {notice?.kind === 'ok' && <p class="success" role="status" data-testid="profile-notice">{t('deliver.profile.imported', { n: notice.n })}</p>}
      {notice?.kind === 'error' && (
        <div class="alert" role="alert" data-testid="profile-notice">
          <p>{t('deliver.profile.importFailed')}</p>
          <ul>{profileFileProblems(notice.err).map((line) => <li key={line}>{line}</li>)}</ul>
        </div>
      )}
      <ProfileNotes profile={profile} />
      {profile.allowSshRsa && <p class="warn" data-testid="profile-allows-ssh-rsa">{t('deliver.profile.allowSshRsa')}</p>}
      {targets === 'unreachable' && <p class="alert">{t('deliver.profile.gatewayUnreachable')}</p>}
      {!inGateway && <p class="alert" role="alert" data-testid="not-in-gateway">{t('deliver.profile.notInGateway', { target: profile.targetId })}</p>}
      <div class="options">
        <label>
          {t('deliver.username')}
          <input type="text" data-testid="username" autocomplete="username" value={username} placeholder={profile.username ? t('deliver.username.hint', { example: profile.username.example }) : ''} onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)} />
          {!usernameOk && <span class="error">{t('deliver.username.invalid', { example: profile.username?.example ?? '' })}</span>}
        </label>
        {keyAllowed && passwordAllowed && (
          <label>
            {t('deliver.auth')}
            <select data-testid="auth-method" value={method} onChange={(e) => setMethod((e.currentTarget as HTMLSelectElement).value as 'key' | 'password')}>
              <option value="key">{t('deliver.auth.key')}</option>
              <option value="password">{t('deliver.auth.password')}</option>
            </select>
          </label>
        )}
        {method === 'key' && keyAllowed && (
          <label>
            {t('deliver.auth.key')}
            {storedKeys.value.length === 0 ? (
              <span class="warn">{t('deliver.auth.noKeys')} <a href="#/keys">{t('deliver.auth.toKeys')}</a></span>
            ) : (
              <select data-testid="login-key" value={keyId} onChange={(e) => setKeyId((e.currentTarget as HTMLSelectElement).value)}>
                {storedKeys.value.map((k) => <option key={k.id} value={k.id}>{k.name} — {k.type} {k.bits} — {k.sha256.slice(0, 20)}…</option>)}
              </select>
            )}
            {!keyCheck.ok && key && (
              <span class="error">{t('deliver.auth.keyTooWeak', { need: `RSA ≥ ${profile.key?.minRsaBits ?? ''}`, have: `${key.type} ${key.bits}` })}</span>
            )}
          </label>
        )}
        {method === 'key' && keyAllowed && <KeyUnlockField storedKey={key} value={keyPass} onInput={setKeyPass} />}
        {method === 'password' && passwordAllowed && (
          <label>
            {t('deliver.password')}
            <input type="password" data-testid="password" autocomplete="current-password" value={password} onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} />
            {profile.passwordMaxAgeDays && <span class="hint">{t('deliver.passwordExpiry', { days: profile.passwordMaxAgeDays })}</span>}
          </label>
        )}
      </div>
      <div class="actions">
        <button type="submit" class="primary" data-testid="connect" disabled={!canConnect}>{busy ? t('deliver.connecting') : t('deliver.connect')}</button>
      </div>
      {failure && <div ref={failureRef} tabIndex={-1}><ErrorMessage error={failure} testId="connect-error" /></div>}
    </form>
  );
}

/** The profile's notes (built-in ones from the catalogue) and, apart, its technical facts. */
function ProfileNotes({ profile }: { profile: ServerProfile }) {
  const notes = profileNotes(profile);
  const technical = profileTechnical(profile);
  if (!notes && !technical) return null;
  return (
    <p class="notice" data-testid="profile-notes">
      {notes}
      {technical && <span class="technical">{t('common.labelValue', { label: t('error.tech.label'), value: technical })}</span>}
    </p>
  );
}
