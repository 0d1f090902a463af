// Keys kept in this browser: list, rename, delete. They cannot be exported: the UI says so.
import { useEffect } from 'preact/hooks';
import { language, t } from '../i18n/index.ts';
import { deleteKey, refreshKeys, renameKey, storeAvailable, storedKeys } from '../services/key-list.ts';
import { askConfirm, askText } from '../components/ask-dialog.tsx';

export function KeysList() {
  useEffect(() => {
    void refreshKeys();
  }, []);
  const list = storedKeys.value;
  const date = (iso: string) => new Date(iso).toLocaleDateString(language.value === 'en' ? 'en-GB' : `${language.value}-BE`);
  return (
    <section class="key-list">
      <h3>{t('keys.store.title')}</h3>
      <p class="notice">{t('keys.store.note')}</p>
      {!storeAvailable.value && <p class="alert">{t('keys.store.unavailable')}</p>}
      {list.length === 0 ? (
        <p class="empty" data-testid="keys-store-empty">{t('keys.store.empty')}</p>
      ) : (
        <table class="files" data-testid="keys-store">
          <thead>
            <tr>
              <th>{t('common.name')}</th>
              <th>{t('keys.store.type')}</th>
              <th>{t('keys.fp.sha256')}</th>
              <th>{t('keys.store.created')}</th>
              <th>{t('keys.store.protection')}</th>
              <th><span class="visually-hidden">{t('common.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {list.map((k) => (
              <tr key={k.id} data-testid="keys-stored-row" data-fingerprint={k.sha256}>
                <td class="name" data-testid="keys-stored-name">{k.name}</td>
                <td class="nowrap">{k.type} {k.bits}</td>
                <td class="mono">{k.sha256}</td>
                <td>{date(k.created)}</td>
                <td data-testid="keys-stored-protection" data-protection={k.protection} class={k.protection === 'passphrase' ? '' : 'warn'}>
                  {t(k.protection === 'passphrase' ? 'keys.store.locked' : k.protection === 'none' ? 'keys.store.unprotected' : 'keys.store.legacy')}
                </td>
                <td class="row-actions">
                  <div>
                    <button type="button" data-testid="keys-rename" aria-label={t('keys.store.renameName', { name: k.name })} onClick={async () => {
                      const name = await askText(t('keys.store.renamePrompt'), k.name, t('keys.store.rename'));
                      if (name && name.trim()) void renameKey(k.id, name);
                    }}>{t('keys.store.rename')}</button>
                    <button type="button" class="danger" data-testid="keys-delete" aria-label={t('keys.store.deleteName', { name: k.name })} onClick={async () => {
                      if (await askConfirm(t('keys.store.deleteConfirm', { name: k.name }), t('keys.store.delete'))) void deleteKey(k.id);
                    }}>{t('keys.store.delete')}</button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.some((k) => k.protection !== 'passphrase') && <p class="caution" data-testid="keys-store-unprotected-note">{t('keys.store.unprotectedNote')}</p>}
    </section>
  );
}
