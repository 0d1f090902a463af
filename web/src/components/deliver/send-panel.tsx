// Deliver: pick data files (their local .hash files are checked before sending) into the folder on
// screen, then follow the queue and keep the receipt.
import { useState } from 'preact/hooks';
import { formatBytes, t } from '../../i18n/index.ts';
import type { DeliverFile } from '../../workers/session-protocol.ts';
import { ErrorMessage } from '../error-message.tsx';
import { FileDrop } from '../file-drop.tsx';
import { DeliveryQueue } from './delivery-queue.tsx';
import { ReceiptView } from './receipt-view.tsx';
import type { UploadArea } from './remote-folder.ts';
import { currentRun, pairUp, startRun } from './run-state.ts';

function Selection({ selected, onStart, onClear }: { selected: DeliverFile[]; onStart: (verify: boolean) => void; onClear: () => void }) {
  const [verify, setVerify] = useState(false);
  const withHash = selected.filter((s) => s.localSidecarText !== undefined).length;
  return (
    <>
      <p class="summary" data-testid="send-selected">{t('send.selected', { n: selected.length, bytes: formatBytes(selected.reduce((a, s) => a + s.file.size, 0)) })}</p>
      {withHash > 0 && <p class="hint">{t('send.withLocalHash', { n: withHash })}</p>}
      <label class="check">
        <input type="checkbox" checked={verify} data-testid="send-verify" onChange={(e) => setVerify((e.currentTarget as HTMLInputElement).checked)} /> {t('send.verify')}
      </label>
      <div class="actions">
        <button type="button" class="primary" data-testid="send-start" onClick={() => onStart(verify)}>{t('send.start', { n: selected.length })}</button>
        <button type="button" onClick={onClear}>{t('send.clear')}</button>
      </div>
    </>
  );
}

/** `folder`: the folder on screen, where the files go. */
export function SendPanel({ area, folder }: { area: UploadArea; folder: string }) {
  const [selected, setSelected] = useState<DeliverFile[]>([]);
  // The run outlives this panel (the user may visit another screen while it goes on).
  const run = currentRun.value;
  const running = run !== null && run.receipt === null && run.error === null;
  const start = (verify: boolean) => {
    const files = selected;
    // The files now belong to this run: an emptied selection cannot be sent twice by mistake.
    setSelected([]);
    void startRun(files, folder, verify);
  };
  return (
    <section class="panel" data-testid="send-panel">
      <h3>{t('send.title')}</h3>
      <p>{t('send.intro')}</p>
      <p class="target-folder" data-testid="send-target-folder">
        {running ? t('send.sendingTo', { folder: run.folder }) : t('send.to', { folder })}
      </p>
      {area.fixed && <p class="hint" data-testid="send-fixed">{t('send.fixedFolder', { folder: area.root })}</p>}
      {!running && (
        <FileDrop testId="send" pickFilesLabel={t('send.pick')} pickFolderLabel={t('send.pickFolder')} dropLabel={t('hash.drop')} onFiles={(files) => void pairUp(files).then(setSelected)} />
      )}
      {selected.length > 0 && !running && <Selection selected={selected} onStart={start} onClear={() => setSelected([])} />}
      {run?.error && <ErrorMessage error={run.error} testId="send-error" />}
      {run && <DeliveryQueue run={run} />}
      {run?.receipt && <ReceiptView receipt={run.receipt} />}
    </section>
  );
}
