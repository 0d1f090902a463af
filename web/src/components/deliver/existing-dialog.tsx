// A file of the same name is already on the server: skip, replace or keep both — never append —
// for this file, or for every other one of the run too ("do this for all").
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ExistingChoice } from '../../../../core/delivery/deliver-pair.ts';
import { t } from '../../i18n/index.ts';
import { answerPrompt, pendingPrompt } from '../../services/session-client.ts';

export function ExistingFileDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  const [forAll, setForAll] = useState(false);
  const p = pendingPrompt.value;
  const prompt = p?.prompt.kind === 'existing' ? p.prompt : null;
  useEffect(() => {
    if (prompt && ref.current && !ref.current.open) {
      setForAll(false);
      ref.current.showModal();
    }
    if (!prompt && ref.current?.open) ref.current.close();
  }, [prompt]);
  if (!p || !prompt) return <dialog ref={ref} />;
  const choose = (choice: ExistingChoice) => answerPrompt(p.promptId, { kind: 'existing', choice, forAll });
  return (
    <dialog ref={ref} data-testid="existing-dialog" aria-labelledby="existing-title" onCancel={(e) => { e.preventDefault(); choose('skip'); }}>
      <h2 id="existing-title">{t('existing.title')}</h2>
      <p>{t('existing.text', { path: prompt.path })}</p>
      <label class="check">
        <input type="checkbox" data-testid="existing-for-all" checked={forAll} onChange={(e) => setForAll((e.currentTarget as HTMLInputElement).checked)} />
        {t('existing.forAll')}
      </label>
      <div class="actions">
        <button type="button" data-testid="existing-skip" autofocus onClick={() => choose('skip')}>{t('existing.skip')}</button>
        <button type="button" class="danger" data-testid="existing-overwrite" onClick={() => choose('overwrite')}>{t('existing.overwrite')}</button>
        <button type="button" data-testid="existing-keep-both" onClick={() => choose('keep-both')}>{t('existing.keepBoth')}</button>
      </div>
    </dialog>
  );
}
