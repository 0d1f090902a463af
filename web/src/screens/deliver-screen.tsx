// Deliver: connect to a registry server, browse it, and send data files with their .hash files
// into the folder on screen; an interrupted delivery is offered to be continued.
import { signal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import type { ServerProfile } from '../../../core/delivery/profile.ts';
import { BrowsePanel } from '../components/deliver/browse-panel.tsx';
import { ConnectPanel } from '../components/deliver/connect-panel.tsx';
import { ExistingFileDialog } from '../components/deliver/existing-dialog.tsx';
import { HostKeyDialog } from '../components/deliver/host-key-dialog.tsx';
import { askQuestion, QuestionDialogHost } from '../components/deliver/question-dialog.tsx';
import { folderShown, showFolder, uploadArea } from '../components/deliver/remote-folder.ts';
import { runsSettled } from '../components/deliver/run-state.ts';
import { SendPanel } from '../components/deliver/send-panel.tsx';
import { SessionLogView } from '../components/deliver/session-log-view.tsx';
import { UnfinishedRuns } from '../components/deliver/unfinished-run.tsx';
import { useFocusOn } from '../components/focus.ts';
import { t } from '../i18n/index.ts';
import { profileLabel } from '../i18n/profile-label.ts';
import { connectedInfo, connectionState, disconnect, transferRunning, warmUpSession } from '../services/session-client.ts';

const IDLE_MINUTES = 15;

function useIdleLogout(active: boolean, onIdle: () => void): void {
  useEffect(() => {
    if (!active) return;
    let last = Date.now();
    const touch = () => (last = Date.now());
    const events = ['pointerdown', 'keydown', 'wheel'] as const;
    for (const e of events) window.addEventListener(e, touch, { passive: true });
    const timer = setInterval(() => {
      if (transferRunning()) touch();
      else if (Date.now() - last > IDLE_MINUTES * 60_000) onIdle();
    }, 30_000);
    return () => {
      clearInterval(timer);
      for (const e of events) window.removeEventListener(e, touch);
    };
  }, [active]);
}

/** Closing the tab mid-transfer would cut it: the browser asks the user first. */
function useLeaveWarning(): void {
  useEffect(() => {
    const onLeave = (e: BeforeUnloadEvent) => {
      if (transferRunning()) e.preventDefault();
    };
    window.addEventListener('beforeunload', onLeave);
    return () => window.removeEventListener('beforeunload', onLeave);
  }, []);
}

/** Log-out stops what is running: the user says so first (the run and its receipt stay in Deliveries). */
async function logOut(): Promise<void> {
  if (transferRunning()) {
    const answer = await askQuestion({
      testId: 'logout-dialog',
      message: t('deliver.logoutRunning'),
      choices: [{ value: 'logout', label: t('deliver.logoutStop'), style: 'danger' }, { value: 'stay', label: t('common.cancel'), safe: true }],
    });
    if (answer?.choice !== 'logout') return;
  }
  await disconnect();
}

/** The profile of the session: kept outside the screen, which a visit to another screen unmounts. */
const chosenProfile = signal<ServerProfile | null>(null);

export function DeliverScreen() {
  const profile = chosenProfile.value;
  const [idleOut, setIdleOut] = useState(false);
  const info = connectedInfo.value;
  const state = connectionState.value;
  const connected = info !== null && (state === 'connected' || state === 'lost');
  useEffect(() => warmUpSession(), []);
  useLeaveWarning();
  useIdleLogout(connected, () => {
    setIdleOut(true);
    void disconnect();
  });
  const area = info ? uploadArea(info.home, profile) : null;
  // After "Connect" the form is gone: focus goes to what the connection is (server, user, host key).
  const sessionRef = useFocusOn<HTMLElement>(connected ? info : null);

  return (
    <section class="screen" data-testid="deliver-screen">
      <h2>{t('nav.deliver')}</h2>
      <HostKeyDialog serverLabel={profile ? profileLabel(profile) : undefined} />
      <ExistingFileDialog />
      <QuestionDialogHost />
      {idleOut && !connected && <p class="notice">{t('deliver.idleLogout', { minutes: IDLE_MINUTES })}</p>}
      <UnfinishedRuns />
      {!connected && <ConnectPanel onProfile={(p) => (chosenProfile.value = p)} />}
      {connected && info && area && (
        <>
          <div class="session-bar" data-testid="session-bar">
            <div>
              <strong ref={sessionRef} tabIndex={-1} data-testid="session-title">{t('deliver.connected', { server: profile ? profileLabel(profile) : info.hostKey.target, user: info.user })}</strong>
              <div class="hint session-details">
                <span data-testid="session-hostkey">{t('deliver.connectionDetails', { fingerprint: `${info.hostKey.keyAlgorithm} ${info.hostKey.sha256}` })}</span>
                {/* Protocol names mean nothing to most users: they are a technical detail, apart. */}
                <span class="technical" data-testid="session-technical">{t('common.labelValue', { label: t('error.tech.label'), value: `${info.algorithms.cipher}${info.algorithms.strictKex ? ', strict kex' : ''}` })}</span>
              </div>
            </div>
            <button type="button" data-testid="logout" onClick={() => void logOut()}>{t('deliver.logout')}</button>
          </div>
          {info.warnings.map((code) => <p key={code} class="alert" role="alert" data-testid="session-warning" data-code={code}>{t(`deliver.warning.${code}`)}</p>)}
          {state === 'lost' && <p class="banner" role="status">{t('deliver.lost')}</p>}
          <SendPanel area={area} folder={folderShown(info, area)} />
          <BrowsePanel area={area} path={folderShown(info, area)} onOpen={(p) => showFolder(info, p)} sidecarRequired={profile?.sidecar.required ?? true} refreshToken={runsSettled.value} />
        </>
      )}
      <SessionLogView />
    </section>
  );
}
