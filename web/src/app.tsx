import { useEffect, useState } from 'preact/hooks';
import { LANGUAGES, language, setLanguage, t, type Language } from './i18n/index.ts';
import { AskDialogHost } from './components/ask-dialog.tsx';
import { SCREENS } from './screens/index.ts';
import { applyUpdate, offlineState } from './services/service-worker.ts';

const LANGUAGE_NAMES: Record<Language, string> = { nl: 'Nederlands', fr: 'Français', en: 'English' };

function currentScreenId(): string {
  const id = window.location.hash.replace(/^#\/?/, '');
  return SCREENS.some((s) => s.id === id) ? id : (SCREENS[0]?.id ?? '');
}

export function App() {
  const [screenId, setScreenId] = useState(currentScreenId);
  useEffect(() => {
    const onHash = () => setScreenId(currentScreenId());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.title = t('app.title');
  }, [language.value]);
  const screen = SCREENS.find((s) => s.id === screenId) ?? SCREENS[0];
  const Screen = screen?.component;
  return (
    <div class="app">
      <header class="app-header">
        <div class="brand">
          <img src="/icons/icon-192.png" alt="" width={32} height={32} />
          <div>
            <h1>{t('app.title')}</h1>
            <p class="tagline">{t('app.tagline')}</p>
          </div>
        </div>
        <label class="lang">
          <span>{t('lang.label')}</span>
          <select
            data-testid="language"
            value={language.value}
            onChange={(e) => setLanguage((e.currentTarget as HTMLSelectElement).value as Language)}
          >
            {LANGUAGES.map((l) => (
              <option value={l} key={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        </label>
      </header>
      <nav class="tabs" aria-label={t('nav.label')}>
        {SCREENS.map((s) => (
          <a key={s.id} href={`#/${s.id}`} class={s.id === screen?.id ? 'tab active' : 'tab'} aria-current={s.id === screen?.id ? 'page' : undefined} data-testid={`nav-${s.id}`}>
            {t(s.navKey)}
          </a>
        ))}
      </nav>
      {offlineState.value === 'update-waiting' && (
        <div class="banner" role="status">
          {t('offline.update')} <button onClick={applyUpdate}>{t('offline.reload')}</button>
        </div>
      )}
      <main>{Screen && <Screen />}</main>
      <AskDialogHost />
      <footer class="app-footer">
        <span data-testid="offline-state">{offlineState.value === 'ready' ? t('offline.ready') : ''}</span>
        <span>{t('common.privacy')}</span>
      </footer>
    </div>
  );
}
