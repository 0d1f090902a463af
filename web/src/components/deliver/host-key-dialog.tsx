// First connection to a server: the user compares the fingerprint the server shows with the one
// the operator published, and trusts it once or always. Never a silent accept.
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../../i18n/index.ts';
import { answerPrompt, pendingPrompt } from '../../services/session-client.ts';

function normalise(fp: string): string {
  return fp.trim().replace(/=+$/, '');
}

export function HostKeyDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  const p = pendingPrompt.value;
  const prompt = p?.prompt.kind === 'host-key' ? p.prompt : null;
  useEffect(() => {
    if (prompt && ref.current && !ref.current.open) ref.current.showModal();
    if (!prompt && ref.current?.open) ref.current.close();
  }, [prompt]);
  if (!p || !prompt) return <dialog ref={ref} />;
  const match = prompt.published.some((fp) => normalise(fp) === normalise(prompt.hostKey.sha256));
  const decide = (decision: 'trust-once' | 'trust-always' | 'reject') => answerPrompt(p.promptId, { kind: 'host-key', decision });
  return (
    <dialog ref={ref} data-testid="hostkey-dialog" onCancel={(e) => { e.preventDefault(); decide('reject'); }}>
      <h2>{t('hostkey.title')}</h2>
      <p>{t('hostkey.firstTime', { target: prompt.hostKey.target })}</p>
      <p><strong>{t('hostkey.server')}</strong></p>
      <p class="mono" data-testid="hostkey-sha256">{prompt.hostKey.keyAlgorithm} {prompt.hostKey.sha256}</p>
      <p class="mono hint">{prompt.hostKey.md5}</p>
      <p><strong>{t('hostkey.published')}</strong></p>
      {prompt.published.length === 0 ? <p class="hint">{t('hostkey.nonePublished')}</p> : prompt.published.map((fp) => <p class="mono" key={fp}>{fp}</p>)}
      {prompt.published.length > 0 && <p class={match ? 'ok' : 'alert'}>{match ? t('hostkey.match') : t('hostkey.noMatch')}</p>}
      <div class="actions">
        <button type="button" class="primary" data-testid="hostkey-always" onClick={() => decide('trust-always')}>{t('hostkey.trustAlways')}</button>
        <button type="button" data-testid="hostkey-once" onClick={() => decide('trust-once')}>{t('hostkey.trustOnce')}</button>
        <button type="button" data-testid="hostkey-reject" onClick={() => decide('reject')}>{t('hostkey.reject')}</button>
      </div>
    </dialog>
  );
}
