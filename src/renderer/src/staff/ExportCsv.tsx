import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText, useBridgeCall } from './common';

/**
 * "Export CSV": main writes the file under the data folder's exports/ (savedTo) and returns its
 * text, which is offered here as a blob: download (the page's CSP does not govern downloads; in
 * Electron the shell refuses downloads, so savedTo is where the file is).
 */
export function ExportCsv({ businessDay }: { businessDay: string }) {
  const { t } = useTranslation('staff');
  const { busy, failure, run } = useBridgeCall();
  const [file, setFile] = useState<{ name: string; url: string; savedTo: string | null } | null>(null);

  useEffect(() => () => (file ? URL.revokeObjectURL(file.url) : undefined), [file]);

  async function exportCsv() {
    const csv = await run((bridge) => bridge.exportDayCsv({ businessDay }));
    if (!csv) return;
    const url = URL.createObjectURL(new Blob([csv.csv], { type: 'text/csv;charset=utf-8' }));
    setFile({ name: csv.fileName, url, savedTo: csv.savedTo });
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
