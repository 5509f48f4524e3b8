import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DisplaySettings, Language } from '../../../shared/ipc';
import { useKiosk } from '../app/kiosk-context';
import { ErrorText, Field, StatusText, TextField, useBridgeCall } from './common';

const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/svg+xml'];
const LOGO_MAX_BYTES = 300 * 1024;

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

/** How the screens look and behave: idle timeout, language, brand colour and logo. */
export function DisplayForm() {
  const { status } = useKiosk();
  if (!status) return null;
  return <DisplayFormFields key={JSON.stringify(status.display)} display={status.display} />;
}

function DisplayFormFields({ display }: { display: DisplaySettings }) {
  const { t } = useTranslation('staff');
  const { refreshStatus } = useKiosk();
  const { busy, failure, done, setDone, run } = useBridgeCall();
  const [idle, setIdle] = useState(String(display.idleTimeoutSeconds));
  const [language, setLanguage] = useState<Language>(display.language);
  const [colour, setColour] = useState(display.brandColour);
  const [logo, setLogo] = useState<string | null>(display.logo);
  const [errors, setErrors] = useState<{ idle?: string; logo?: string }>({});

  async function pickLogo(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    if (!LOGO_TYPES.includes(file.type)) {
      setErrors((e) => ({ ...e, logo: t('settings.logoWrongType') }));
      return;
    }
    if (file.size > LOGO_MAX_BYTES) {
      setErrors((e) => ({ ...e, logo: t('settings.logoTooBig') }));
      return;
    }
    setErrors((e) => ({ ...e, logo: undefined }));
    setLogo(await readAsDataUrl(file));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const seconds = /^\d{1,3}$/.test(idle.trim()) ? Number(idle.trim()) : NaN;
    if (!(seconds >= 10 && seconds <= 600)) {
      setErrors((e) => ({ ...e, idle: t('settings.invalidIdle') }));
      return;
    }
    setErrors({});
    const saved = await run((bridge) =>
      bridge.updateDisplay({ idleTimeoutSeconds: seconds, language, brandColour: colour, logo }),
    );
    if (!saved) return;
    setDone(t('settings.displaySaved'));
    await refreshStatus();
  }

  return (
    <form
      className="staff-card staff-form"
      aria-labelledby="display-heading"
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <h2 id="display-heading">{t('settings.displayHeading')}</h2>
      <TextField
        label={t('settings.idleTimeout')}
        hint={t('settings.idleHint')}
        error={errors.idle}
        inputMode="numeric"
        value={idle}
        onChange={setIdle}
      />
      <Field label={t('settings.language')}>
        {(props) => (
          <select {...props} value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
            <option value="en" lang="en">
              {t('settings.languages.en')}
            </option>
            <option value="es" lang="es">
              {t('settings.languages.es')}
            </option>
          </select>
        )}
      </Field>
      <Field label={t('settings.brandColour')}>
        {(props) => (
          <input
            {...props}
            type="color"
            className="staff-colour"
            value={colour}
            onChange={(e) => setColour(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('settings.logo')} error={errors.logo}>
        {(props) => (
          <input {...props} type="file" accept={LOGO_TYPES.join(',')} onChange={(e) => void pickLogo(e)} />
        )}
      </Field>
      {logo ? (
        <div className="staff-row">
          <img className="staff-logo-preview" src={logo} alt={t('settings.logoPreview')} />
          <button type="button" onClick={() => setLogo(null)}>
            {t('settings.removeLogo')}
          </button>
        </div>
      ) : null}
      <ErrorText>{failure}</ErrorText>
      <StatusText>{done}</StatusText>
      <button type="submit" className="primary" disabled={busy}>
        {t('settings.saveDisplay')}
      </button>
    </form>
  );
}
