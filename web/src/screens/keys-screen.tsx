// The Keys screen: replaces PuTTYgen — make, save, mail, import and keep SSH keys.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import { warmUpKeyWorker } from '../services/key-jobs.ts';
import { KeysGenerate, type GeneratedKey } from './keys-generate.tsx';
import { KeysImport } from './keys-import.tsx';
import { KeysList } from './keys-list.tsx';
import { KeysResult } from './keys-result.tsx';

export function KeysScreen() {
  const [result, setResult] = useState<GeneratedKey | null>(null);
  useEffect(() => {
    warmUpKeyWorker();
  }, []);
  return (
    <section class="screen" data-testid="keys-screen">
      <h2>{t('nav.keys')}</h2>
      <p>{t('keys.intro')}</p>
      <KeysGenerate onDone={setResult} />
      {result && <KeysResult result={result} />}
      <KeysImport />
      <KeysList />
    </section>
  );
}
