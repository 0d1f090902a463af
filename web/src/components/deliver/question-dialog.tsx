// The Deliver screen's questions in the app's own dialog: a message, optionally a name to type
// and a box to tick (e.g. "also rename X.hash", ticked by default), and the choices as buttons
// named by what they do. Escape answers null; focus starts on the safe choice.
import { signal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';

export interface QuestionChoice<C extends string> {
  value: C;
  label: string;
  style?: 'primary' | 'danger';
  /** Focus starts here (the safe choice). */
  safe?: boolean;
}

export interface Question<C extends string> {
  message: string;
  /** Ask for a line of text, starting with this value. */
  text?: { initial: string; valid: (value: string) => boolean };
  /** A box to tick, with its starting state. */
  tick?: { label: string; checked: boolean };
  choices: QuestionChoice<C>[];
  testId: string;
}

export interface Answer<C extends string> {
  choice: C;
  text: string;
  ticked: boolean;
}

interface Pending {
  q: Question<string>;
  resolve: (a: Answer<string> | null) => void;
}

const pending = signal<Pending | null>(null);

export function askQuestion<C extends string>(q: Question<C>): Promise<Answer<C> | null> {
  pending.value?.resolve(null);
  return new Promise((resolve) => {
    pending.value = { q, resolve: resolve as (a: Answer<string> | null) => void };
  });
}

export function QuestionDialogHost() {
  const ref = useRef<HTMLDialogElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const p = pending.value;
  const [text, setText] = useState('');
  const [ticked, setTicked] = useState(false);
  useEffect(() => {
    if (p && ref.current && !ref.current.open) {
      setText(p.q.text?.initial ?? '');
      setTicked(p.q.tick?.checked ?? false);
      ref.current.showModal();
      if (p.q.text) requestAnimationFrame(() => field.current?.select());
    }
    if (!p && ref.current?.open) ref.current.close();
  }, [p]);
  const answer = (a: Answer<string> | null) => {
    const current = pending.value;
    pending.value = null;
    current?.resolve(a);
  };
  if (!p) return <dialog ref={ref} class="ask-dialog" />;
  const { q } = p;
  const valid = !q.text || q.text.valid(text.trim());
  const first = q.choices[0];
  return (
    <dialog ref={ref} class="ask-dialog" data-testid={q.testId} aria-labelledby="question-message" onCancel={(e) => { e.preventDefault(); answer(null); }}>
      <form onSubmit={(e) => { e.preventDefault(); if (valid && first) answer({ choice: first.value, text: text.trim(), ticked }); }}>
        {q.text ? (
          <label>
            <span id="question-message">{q.message}</span>
            <input ref={field} type="text" data-testid={`${q.testId}-text`} value={text} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />
          </label>
        ) : (
          <p id="question-message">{q.message}</p>
        )}
        {q.tick && (
          <label class="check">
            <input type="checkbox" data-testid={`${q.testId}-tick`} checked={ticked} onChange={(e) => setTicked((e.currentTarget as HTMLInputElement).checked)} />
            {q.tick.label}
          </label>
        )}
        <div class="actions">
          {q.choices.map((c, i) => (
            <button
              key={c.value}
              type={i === 0 ? 'submit' : 'button'}
              class={c.style === 'danger' ? 'danger-solid' : c.style === 'primary' ? 'primary' : undefined}
              data-testid={`${q.testId}-${c.value}`}
              disabled={i === 0 && !valid}
              autofocus={c.safe}
              onClick={i === 0 ? undefined : () => answer({ choice: c.value, text: text.trim(), ticked })}
            >
              {c.label}
            </button>
          ))}
        </div>
      </form>
    </dialog>
  );
}
