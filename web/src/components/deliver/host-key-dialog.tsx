// First connection to a server: the user compares the fingerprint the server shows with the one
// the operator published, and trusts it once or always. Never a silent accept.
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../../i18n/index.ts';
import { answerPrompt, pendingPrompt } from '../../services/session-client.ts';

function normalise(fp: string): string {
  return fp.trim().replace(/=+$/, '');
}

export function HostKeyDialog({ serverLabel }: { serverLabel?: string }) {
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
  // Focus starts on Cancel: a reflexive Enter must not trust a server key.
  return (
    <dialog ref={ref} data-testid="hostkey-dialog" onCancel={(e) => { e.preventDefault(); decide('reject'); }}>
      <h2>{t('hostkey.title')}</h2>
      <p>{t('hostkey.firstTime', { target: serverLabel ?? prompt.hostKey.target })}</p>
      <p class="dialog-label">{t('hostkey.server')}</p>
      <div class="fingerprint">
        <span data-testid="hostkey-sha256">{prompt.hostKey.keyAlgorithm} {prompt.hostKey.sha256}</span>
        <span class="hint">{prompt.hostKey.md5}</span>
      </div>
      <p class="dialog-label">{t('hostkey.published')}</p>
      {prompt.published.length === 0 ? <p class="caution">{t('hostkey.nonePublished')}</p> : prompt.published.map((fp) => <div class="fingerprint" key={fp}>{fp}</div>)}
      {prompt.published.length > 0 && <p class={match ? 'success' : 'alert'}>{match ? t('hostkey.match') : t('hostkey.noMatch')}</p>}
      <div class="actions">
        <button type="button" class="primary" data-testid="hostkey-always" onClick={() => decide('trust-always')}>{t('hostkey.trustAlways')}</button>
        <button type="button" data-testid="hostkey-once" onClick={() => decide('trust-once')}>{t('hostkey.trustOnce')}</button>
        <button type="button" data-testid="hostkey-reject" autofocus onClick={() => decide('reject')}>{t('hostkey.reject')}</button>
      </div>
    </dialog>
  );
}
