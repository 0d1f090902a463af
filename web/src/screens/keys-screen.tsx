// The Keys screen: replaces PuTTYgen — make, save, mail, import and keep SSH keys. The chosen
// server profile sets the key type and size it asks for and whom to mail the public key.
import { useEffect, useState } from 'preact/hooks';
import { language, t } from '../i18n/index.ts';
import { profileLabel } from '../i18n/profile-label.ts';
import { warmUpKeyWorker } from '../services/key-jobs.ts';
import { allProfiles, loadProfiles } from '../services/profile-store.ts';
import { KeysGenerate, type GeneratedKey } from './keys-generate.tsx';
import { KeysImport } from './keys-import.tsx';
import { KeysList } from './keys-list.tsx';
import { KeysResult } from './keys-result.tsx';

export function KeysScreen() {
  const [result, setResult] = useState<GeneratedKey | null>(null);
  const profiles = allProfiles().filter((p) => p.authMethods.includes('publickey'));
  const [profileId, setProfileId] = useState(profiles[0]?.id ?? '');
  const profile = profiles.find((p) => p.id === profileId);
  useEffect(() => {
    warmUpKeyWorker();
    void loadProfiles();
  }, []);
  const note = profile?.notes?.[language.value];
  return (
    <section class="screen" data-testid="keys-screen">
      <h2>{t('nav.keys')}</h2>
      <p>{t('keys.intro')}</p>
      <div class="options">
        <label>
          {t('keys.profile')}
          <select data-testid="keys-profile" value={profileId} onChange={(e) => { setProfileId((e.currentTarget as HTMLSelectElement).value); setResult(null); }}>
            {profiles.map((p) => <option key={p.id} value={p.id}>{profileLabel(p)}</option>)}
            <option value="">{t('keys.profile.none')}</option>
          </select>
        </label>
      </div>
      {note && <p class="hint" data-testid="keys-profile-note">{note}</p>}
      <KeysGenerate onDone={setResult} profile={profile} profileLabel={profile ? profileLabel(profile) : undefined} />
      {result && <KeysResult key={result.summary.sha256} result={result} profile={profile} />}
      <KeysImport />
      <KeysList />
    </section>
  );
}
