// A failure as the user reads it: the sentence in their language, the facts to compare
// (fingerprints, digests, paths) as labelled values, and the technical details apart.
import { Fragment } from 'preact';
import { errorView, type CodedError, type ErrorView } from '../i18n/describe-error.ts';
import { t } from '../i18n/index.ts';
import { LongValue } from './long-value.tsx';

function Technical({ view }: { view: ErrorView }) {
  if (view.technical.length === 0) return null;
  return (
    <span class="technical" data-testid="error-technical">
      {t('common.labelValue', { label: t('error.tech.label'), value: '' })}
      {view.technical.map((d, i) => (
        <Fragment key={i}>
          {i > 0 && ' · '}
          <span lang={d.english ? 'en' : undefined}>{d.text}</span>
        </Fragment>
      ))}
    </span>
  );
}

/**
 * `block`: an alert box (connect failures, a failed run); `inline`: inside a table cell (a queue
 * row, a receipt line). `alert` makes a block announce itself when it appears.
 */
export function ErrorMessage({ error, variant = 'block', alert = true, testId }: { error: CodedError; variant?: 'block' | 'inline'; alert?: boolean; testId?: string }) {
  const view = errorView(error);
  if (variant === 'inline') {
    return (
      <span class="error row-error" data-testid={testId} data-code={view.code}>
        {view.text}
        {view.facts.map((f) => (
          <span class="error-fact" key={f.label}>{t('common.labelValue', { label: f.label, value: '' })}<LongValue value={f.value} class="mono" /></span>
        ))}
        <Technical view={view} />
      </span>
    );
  }
  return (
    <div class="alert" role={alert ? 'alert' : undefined} data-testid={testId} data-code={view.code}>
      <p>{view.text}</p>
      {view.facts.length > 0 && (
        <dl class="error-facts">
          {view.facts.map((f) => (
            <Fragment key={f.label}>
              <dt>{f.label}</dt>
              <dd><LongValue value={f.value} class="mono" /></dd>
            </Fragment>
          ))}
        </dl>
      )}
      <Technical view={view} />
    </div>
  );
}
