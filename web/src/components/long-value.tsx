// A digest or fingerprint that may wrap only between equal groups (20 + 20 for SHA-1), never
// leaving its last character alone on a new line. Copying it gives the value unchanged.
import { Fragment } from 'preact';
export function LongValue({ value, class: cls, testId }: { value: string; class?: string; testId?: string }) {
  const groups = Math.max(1, Math.ceil(value.length / 22));
  const size = Math.ceil(value.length / groups);
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += size) parts.push(value.slice(i, i + size));
  return (
    <span class={cls ? `long-value ${cls}` : 'long-value'} data-testid={testId}>
      {parts.map((p, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          <span class="long-value-part">{p}</span>
        </Fragment>
      ))}
    </span>
  );
}
