import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskStatus } from '../../../shared/ipc';
import { useKiosk } from '../app/kiosk-context';
import { ErrorText, StatusText, TextField, useBridgeCall } from './common';

/** The store's country, currency and time zone; read-only while the server manages them. */
export function StoreForm() {
  const { status } = useKiosk();
  if (!status) return null;
  // Keyed by the settings, so a change from the server resets the form.
  const store = status.store;
  return (
    <StoreFormFields
      key={`${store.country}|${store.currency}|${store.timeZone}|${status.storeSource}`}
      status={status}
    />
  );
}

function StoreFormFields({ status }: { status: KioskStatus }) {
  const { t } = useTranslation('staff');
  const { refreshStatus } = useKiosk();
  const { busy, failure, done, setDone, run } = useBridgeCall();
  const [country, setCountry] = useState<string>(status.store.country);
  const [currency, setCurrency] = useState(status.store.currency);
  const [timeZone, setTimeZone] = useState(status.store.timeZone);
  const managed = status.storeSource === 'server';

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (managed) return;
    const saved = await run((bridge) =>
      bridge.updateStore({
        country: country.trim().toUpperCase() as KioskStatus['store']['country'],
        currency: currency.trim().toUpperCase(),
        timeZone: timeZone.trim(),
      }),
    );
    if (!saved) return;
    setDone(t('settings.storeSaved'));
    await refreshStatus();
  }

  const hint = managed ? t('settings.storeFromServer') : undefined;
  return (
    <form
      className="staff-card staff-form"
      aria-labelledby="store-heading"
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <h2 id="store-heading">{t('settings.storeHeading')}</h2>
      {hint ? <p className="staff-hint">{hint}</p> : null}
      <TextField
        label={t('settings.country')}
        disabled={managed}
        maxLength={2}
        value={country}
        onChange={setCountry}
      />
      <TextField
        label={t('settings.currency')}
        disabled={managed}
        maxLength={3}
        value={currency}
        onChange={setCurrency}
      />
      <TextField
        label={t('settings.timeZone')}
        disabled={managed}
        maxLength={64}
        value={timeZone}
        onChange={setTimeZone}
      />
      <ErrorText>{failure}</ErrorText>
      <StatusText>{done}</StatusText>
      <button type="submit" className="primary" disabled={busy || managed}>
        {t('settings.saveStore')}
      </button>
    </form>
  );
}
