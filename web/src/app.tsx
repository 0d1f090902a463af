import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { LANGUAGES, language, setLanguage, t, type Language } from './i18n/index.ts';
import { Announcer } from './components/announcer.tsx';
import { AskDialogHost } from './components/ask-dialog.tsx';
import { moveFocus } from './components/focus.ts';
import { SCREENS } from './screens/index.ts';
import { applyUpdate, offlineState } from './services/service-worker.ts';

const LANGUAGE_NAMES: Record<Language, string> = { nl: 'Nederlands', fr: 'Français', en: 'English' };

function currentScreenId(): string {
  const id = window.location.hash.replace(/^#\/?/, '');
  return SCREENS.some((s) => s.id === id) ? id : (SCREENS[0]?.id ?? '');
}

/** The screen's heading, else the main region: where focus goes after navigating or skipping. */
function focusMain(main: HTMLElement | null): void {
  moveFocus(main?.querySelector<HTMLElement>('h2') ?? main);
}

export function App() {
  const [screenId, setScreenId] = useState(currentScreenId);
  const main = useRef<HTMLElement>(null);
  useEffect(() => {
    const onHash = () => setScreenId(currentScreenId());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const screen = SCREENS.find((s) => s.id === screenId) ?? SCREENS[0];
  const Screen = screen?.component;
  // Before paint, so the title never lags behind the language the page is in.
  useLayoutEffect(() => {
    document.title = screen ? t('nav.screenTitle', { screen: t(screen.navKey) }) : t('app.title');
  }, [language.value, screen?.id]);
  // A new screen is like a new page: focus starts at its heading (not on the first load).
  const shown = useRef(screen?.id);
  useEffect(() => {
    if (shown.current === screen?.id) return;
    shown.current = screen?.id;
    focusMain(main.current);
  }, [screen?.id]);
  return (
    <div class="app">
      <a
        class="skip-link"
        href="#main"
        data-testid="skip-link"
        onClick={(e) => {
          // The address's #fragment is the router's: skip without changing it.
          e.preventDefault();
          focusMain(main.current);
        }}
      >
        {t('nav.skip')}
      </a>
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
              <option value={l} key={l} lang={l}>
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
      <main id="main" ref={main} tabIndex={-1}>{Screen && <Screen />}</main>
      <AskDialogHost />
      <Announcer />
      <footer class="app-footer">
        <span data-testid="offline-state" role="status">{offlineState.value === 'ready' ? t('offline.ready') : ''}</span>
        <span>{t('common.privacy')}</span>
      </footer>
    </div>
  );
}
