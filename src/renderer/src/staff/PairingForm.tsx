import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useKiosk } from '../app/kiosk-context';
import { ErrorText, StatusText, TextField, useBridgeCall, useFormat } from './common';

/** Pair the kiosk with the chain's server: its address, an enrolment code and this kiosk's name. */
export function PairingForm() {
  const { t } = useTranslation('staff');
  const { status, refreshStatus } = useKiosk();
  const { busy, failure, done, setDone, run } = useBridgeCall();
  const format = useFormat();
  const pairing = status?.pairing;
  // A revoked or refused token: the kiosk stays paired in name but must be paired again.
  const problem = status?.sync.pairingProblem ?? null;
  const [serverUrl, setServerUrl] = useState(pairing?.paired ? pairing.serverUrl : '');
  const [code, setCode] = useState('');
  const [deviceName, setDeviceName] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    const paired = await run((bridge) =>
      bridge.pair({
        serverUrl: serverUrl.trim(),
        enrollmentCode: code.trim(),
        deviceName: deviceName.trim(),
      }),
    );
    if (!paired) return;
    if (paired.paired) setDone(t('settings.pairedDone', { store: paired.storeName }));
    setCode('');
    await refreshStatus();
  }

  return (
    <section className="staff-card" aria-labelledby="pairing-heading">
      <h2 id="pairing-heading">{t('settings.pairingHeading')}</h2>
      {pairing?.paired ? (
        <p>
          {t('settings.paired', {
            store: pairing.storeName,
            url: pairing.serverUrl,
            time: format.dateTime(pairing.pairedAt),
          })}
        </p>
      ) : (
        <p>{t('settings.notPaired')}</p>
      )}
      {problem ? <p className="staff-warning">{t('settings.pairAgain', { problem })}</p> : null}
      {!pairing?.paired && status?.pairingError ? (
        <p className="staff-warning">{t('settings.pairingError', { error: status.pairingError })}</p>
      ) : null}
      {!pairing?.paired || problem ? (
        <form className="staff-form" onSubmit={(e) => void submit(e)} noValidate>
          <TextField
            label={t('settings.serverUrl')}
            type="url"
            maxLength={2048}
            value={serverUrl}
            onChange={setServerUrl}
          />
          <TextField label={t('settings.enrollmentCode')} maxLength={32} value={code} onChange={setCode} />
          <TextField
            label={t('settings.deviceName')}
            maxLength={64}
            value={deviceName}
            onChange={setDeviceName}
          />
          <ErrorText>{failure}</ErrorText>
          <button type="submit" className="primary" disabled={busy}>
            {t('settings.pair')}
          </button>
        </form>
      ) : null}
      <StatusText>{done}</StatusText>
    </section>
  );
}
