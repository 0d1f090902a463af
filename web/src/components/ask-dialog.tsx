// In-app questions (a name to type, a yes/no before deleting) instead of window.prompt/confirm:
// the browser's own boxes show the page's address as their title and the browser's language.
import { signal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';

interface Question {
  message: string;
  /** A text answer is asked when this is set (the field's starting value). */
  initial?: string;
  confirmLabel: string;
  danger: boolean;
  resolve: (answer: string | null) => void;
}

const question = signal<Question | null>(null);

function ask(q: Omit<Question, 'resolve'>): Promise<string | null> {
  question.value?.resolve(null);
  return new Promise((resolve) => {
    question.value = { ...q, resolve };
  });
}

/** Asks for a line of text; null when the user cancels. */
export async function askText(message: string, initial = '', confirmLabel = t('common.ok')): Promise<string | null> {
  return ask({ message, initial, confirmLabel, danger: false });
}

/** Asks a yes/no question; the confirming button is labelled with what it does. */
export async function askConfirm(message: string, confirmLabel: string, danger = true): Promise<boolean> {
  return (await ask({ message, confirmLabel, danger })) !== null;
}

export function AskDialogHost() {
  const ref = useRef<HTMLDialogElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const q = question.value;
  const [value, setValue] = useState('');
  useEffect(() => {
    if (q && ref.current && !ref.current.open) {
      setValue(q.initial ?? '');
      ref.current.showModal();
      if (q.initial !== undefined) requestAnimationFrame(() => field.current?.select());
    }
    if (!q && ref.current?.open) ref.current.close();
  }, [q]);
  const answer = (a: string | null) => {
    const current = question.value;
    question.value = null;
    current?.resolve(a);
  };
  return (
    <dialog ref={ref} class="ask-dialog" data-testid="ask-dialog" aria-labelledby="ask-message" onCancel={(e) => { e.preventDefault(); answer(null); }}>
      {q && (
        <form onSubmit={(e) => { e.preventDefault(); answer(q.initial !== undefined ? value : ''); }}>
          {q.initial !== undefined ? (
            <label>
              <span id="ask-message">{q.message}</span>
              <input ref={field} type="text" data-testid="ask-input" value={value} onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)} />
            </label>
          ) : (
            <p id="ask-message">{q.message}</p>
          )}
          <div class="actions">
            <button type="submit" class={q.danger ? 'danger-solid' : 'primary'} data-testid="ask-ok">{q.confirmLabel}</button>
            <button type="button" data-testid="ask-cancel" autofocus={q.danger} onClick={() => answer(null)}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
    </dialog>
  );
}
