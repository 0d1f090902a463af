// FileZilla-like log of this session, without secrets, with a copy button for the help line.
import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.ts';
import { sessionLog } from '../../services/session-client.ts';

export function SessionLogView() {
  const [copied, setCopied] = useState(false);
  const entries = sessionLog.value;
  const text = entries.map((e) => `${e.at} ${e.level.toUpperCase().padEnd(5)} ${e.message}`).join('\n');
  return (
    <details class="panel log-panel" data-testid="session-log">
      <summary>
        {t('log.title')}
        {entries.length > 0 && <span class="hint">{t('log.lines', { n: entries.length })}</span>}
      </summary>
      <div class="actions">
        <button type="button" data-testid="log-copy" disabled={entries.length === 0} onClick={() => void navigator.clipboard.writeText(text + '\n').then(() => setCopied(true))}>
          {t('log.copy')}
        </button>
        {copied && <span class="hint">{t('log.copied')}</span>}
      </div>
      {/* A scroll region is reachable by keyboard (tabIndex) and named for screen readers. The log is
          the help desk's, in English (as the summary says): marked so, it is read as English. */}
      <pre class="log" tabIndex={0} role="region" aria-label={t('log.title')} lang={entries.length > 0 ? 'en' : undefined} data-testid="log-text">{entries.length === 0 ? t('log.empty') : text}</pre>
    </details>
  );
}
