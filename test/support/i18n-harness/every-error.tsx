// Rendered in the real app page by the language and a11y e2e tests (bundled with esbuild): every
// error code of the catalogue and every gateway close reason through the app's own ErrorMessage
// component (as an alert and inline), and every profile-file problem through the same wording the
// Deliver screen uses. Each error carries an English `message` and English server words, so a
// sentence that leaks them into the user's text is caught. Kinds the tests also provoke for real
// are here too: the point is the ones that cannot be provoked on demand (no common cipher, expired
// password, a gateway at its connection limit, a short download, …).
import { render } from 'preact';
import { ProfileFileError, type ProfileField, type ProfileProblem } from '../../../core/delivery/profile.ts';
import { ErrorMessage } from '../../../web/src/components/error-message.tsx';
import { CATALOGUES } from '../../../web/src/i18n/catalogue/index.ts';
import { setLanguage, type Language } from '../../../web/src/i18n/index.ts';
import { profileFileProblems } from '../../../web/src/i18n/profile-problems.ts';

const LEAK = 'English log text that must never reach the user: the server said the file was not accepted.';

const DETAILS: Record<string, unknown> = {
  server: ['aes128-cbc', '3des-cbc'], client: ['aes256-gcm@openssh.com', 'aes128-ctr'], what: 'cipher',
  algorithm: 'ssh-ed25519', fingerprint: 'SHA256:Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE', pinned: ['SHA256:b2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2w'],
  before: 'SHA256:b2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2w', after: 'SHA256:Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE',
  fileName: 'indicatoren.csv', path: '/incoming/indicatoren.csv', expected: '5607a1c2b3d4e5f60718293a4b5c6d7e8f901234', actual: '1211f0e9d8c7b6a5948372615a4b3c2d1e0f9876',
  serverMessage: 'Disk quota exceeded for this user', expectedBytes: 1_048_576, actualBytes: 524_288,
  hashedBytes: 10, serverBytes: 12, localBytes: 12, target: 'rivm-cims',
};

export const ERROR_CODES = Object.keys(CATALOGUES.errors.en)
  .filter((k) => k.startsWith('error.') && !k.startsWith('error.fact.') && !k.startsWith('error.tech.'))
  .map((k) => k.slice('error.'.length));
export const GATEWAY_REASONS = Object.keys(CATALOGUES.errors.en).filter((k) => k.startsWith('gateway.')).map((k) => k.slice('gateway.'.length));

const FIELDS: ProfileField[] = ['id', 'label', 'targetId', 'authMethods', 'hostKeyFingerprints', 'uploadFolder', 'sidecar', 'tempRename', 'key', 'help', 'mail', 'passwordMaxAgeDays', 'ciphers', 'username'];
const PROBLEMS: ProfileProblem[] = [
  { kind: 'not-json' }, { kind: 'not-profile-file' }, { kind: 'version', version: '9' }, { kind: 'profiles-not-list' },
  { kind: 'not-object', profile: 0 }, { kind: 'duplicate-id', id: 'rivm' },
  ...FIELDS.flatMap((field, i): ProfileProblem[] => [
    { kind: 'field', profile: i, label: 'RIVM CIMS', field, rule: 'required' },
    { kind: 'field', profile: i, field, rule: 'invalid' },
  ]),
];

function EveryError() {
  return (
    <section class="panel" data-testid="every-error">
      {ERROR_CODES.map((code) => (
        <div key={code} data-testid="synthetic-error" data-kind={`error.${code}`}>
          <ErrorMessage error={{ code, message: LEAK, details: DETAILS }} alert={false} />
          <table class="files"><tbody><tr><td><ErrorMessage error={{ code, message: LEAK, details: DETAILS }} variant="inline" /></td></tr></tbody></table>
        </div>
      ))}
      {GATEWAY_REASONS.map((reason) => (
        <div key={reason} data-testid="synthetic-error" data-kind={`gateway.${reason}`}>
          <ErrorMessage error={{ code: reason === 'unreachable' ? 'connection-refused' : 'connection-lost', message: LEAK, details: reason === 'unreachable' ? { closeCode: 1006 } : { reason, target: 'rivm-cims', closeCode: 4000 } }} alert={false} />
        </div>
      ))}
      <div class="alert" data-testid="synthetic-error" data-kind="profile-problems">
        <ul>{profileFileProblems(new ProfileFileError([LEAK], PROBLEMS)).map((p, i) => <li key={i}>{p}</li>)}</ul>
      </div>
    </section>
  );
}

/** Renders into a fresh element at the end of <main>, in `lang`; returns the kinds rendered. */
export function renderEveryError(lang: Language): string[] {
  setLanguage(lang);
  document.querySelector('[data-harness]')?.remove();
  const host = document.createElement('div');
  host.setAttribute('data-harness', '');
  document.querySelector('main')!.append(host);
  render(<EveryError />, host);
  return [...host.querySelectorAll('[data-kind]')].map((e) => e.getAttribute('data-kind')!);
}

(globalThis as { renderEveryError?: typeof renderEveryError }).renderEveryError = renderEveryError;
