// A file of the same name is already on the server: skip, replace or keep both — never append.
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../../i18n/index.ts';
import { answerPrompt, pendingPrompt } from '../../services/session-client.ts';

export function ExistingFileDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  const p = pendingPrompt.value;
  const prompt = p?.prompt.kind === 'existing' ? p.prompt : null;
  useEffect(() => {
    if (prompt && ref.current && !ref.current.open) ref.current.showModal();
    if (!prompt && ref.current?.open) ref.current.close();
  }, [prompt]);
  if (!p || !prompt) return <dialog ref={ref} />;
  const choose = (choice: 'skip' | 'overwrite' | 'keep-both') => answerPrompt(p.promptId, { kind: 'existing', choice });
  return (
    <dialog ref={ref} data-testid="existing-dialog" onCancel={(e) => { e.preventDefault(); choose('skip'); }}>
      <h2>{t('existing.title')}</h2>
      <p>{t('existing.text', { path: prompt.path })}</p>
      <div class="actions">
        <button type="button" data-testid="existing-skip" onClick={() => choose('skip')}>{t('existing.skip')}</button>
        <button type="button" class="danger" data-testid="existing-overwrite" onClick={() => choose('overwrite')}>{t('existing.overwrite')}</button>
        <button type="button" data-testid="existing-keep-both" onClick={() => choose('keep-both')}>{t('existing.keepBoth')}</button>
      </div>
    </dialog>
  );
}
