// Pick files, pick a folder (writable where the browser allows), or drop either.
import { useRef, useState } from 'preact/hooks';
import { canWriteFolders, filesFromDrop, filesFromInput, pickWritableFolder, type LocalFile } from '../services/local-files.ts';

interface Props {
  onFiles: (files: LocalFile[]) => void;
  pickFilesLabel: string;
  pickFolderLabel: string;
  dropLabel: string;
  testId: string;
  disabled?: boolean;
}

export function FileDrop({ onFiles, pickFilesLabel, pickFolderLabel, dropLabel, testId, disabled }: Props) {
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const pickFolder = async () => {
    if (canWriteFolders()) {
      const files = await pickWritableFolder();
      if (files) onFiles(files);
    } else folderInput.current?.click();
  };

  return (
    <div
      class={over ? 'drop-zone over' : 'drop-zone'}
      data-testid={`${testId}-drop`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (e.dataTransfer && !disabled) void filesFromDrop(e.dataTransfer).then(onFiles);
      }}
    >
      <div class="drop-actions">
        <button type="button" class="primary" disabled={disabled} onClick={() => filesInput.current?.click()}>
          {pickFilesLabel}
        </button>
        <button type="button" disabled={disabled} onClick={() => void pickFolder()}>
          {pickFolderLabel}
        </button>
      </div>
      <p class="hint">{dropLabel}</p>
      <input
        ref={filesInput}
        type="file"
        multiple
        hidden
        data-testid={`${testId}-files`}
        onChange={(e) => {
          const input = e.currentTarget as HTMLInputElement;
          onFiles(filesFromInput(input.files));
          input.value = '';
        }}
      />
      <input
        ref={folderInput}
        type="file"
        hidden
        {...{ webkitdirectory: true }}
        data-testid={`${testId}-folder`}
        onChange={(e) => {
          const input = e.currentTarget as HTMLInputElement;
          onFiles(filesFromInput(input.files));
          input.value = '';
        }}
      />
    </div>
  );
}
