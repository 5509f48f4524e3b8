import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useKiosk } from '../app/kiosk-context';
import { ErrorText, useStaffFailureText } from './common';

/**
 * "Export CSV": main writes the file under the data folder's exports/ (savedTo) and returns its
 * text, which is offered here as a blob: download (the page's CSP does not govern downloads; in
 * Electron the shell refuses downloads, so savedTo is where the file is).
 */
export function ExportCsv({ businessDay }: { businessDay: string }) {
  const { t } = useTranslation('staff');
  const { bridge } = useKiosk();
  const failureText = useStaffFailureText();
  const [file, setFile] = useState<{ name: string; url: string; savedTo: string | null } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => () => (file ? URL.revokeObjectURL(file.url) : undefined), [file]);

  async function exportCsv() {
    if (!bridge) return;
    setBusy(true);
    setFailure(null);
    const answer = await bridge.exportDayCsv({ businessDay });
    setBusy(false);
    if (!answer.ok) {
      setFailure(failureText(answer));
      return;
    }
    const url = URL.createObjectURL(new Blob([answer.value.csv], { type: 'text/csv;charset=utf-8' }));
    setFile({ name: answer.value.fileName, url, savedTo: answer.value.savedTo });
  }

  return (
    <div className="staff-export">
      <button type="button" disabled={busy} onClick={() => void exportCsv()}>
        {t('close.exportCsv')}
      </button>
      <ErrorText>{failure}</ErrorText>
      <div role="status" className="staff-status">
        {file ? (
          <p>
            <a className="staff-link-button" href={file.url} download={file.name}>
              {t('close.download', { fileName: file.name })}
            </a>
            {file.savedTo ? <span> {t('close.savedTo', { path: file.savedTo })}</span> : null}
          </p>
        ) : null}
      </div>
    </div>
  );
}
