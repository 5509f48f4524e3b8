import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffState } from '../../../shared/ipc';
import { ErrorText, PIN_PATTERN, PinField, TextField, useBridgeCall } from './common';

/** The first time Staff is opened: the first manager's name and PIN (typed twice). */
export function SetupManager({ onState }: { onState: (state: StaffState) => void }) {
  const { t } = useTranslation('staff');
  const { busy, failure, reset, run } = useBridgeCall();
  const [name, setName] = useState('');
  const [pin, setPin] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ name?: string; pin?: string; confirm?: string }>({});

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const found: typeof errors = {};
    if (name.trim() === '') found.name = t('setup.nameRequired');
    if (!PIN_PATTERN.test(pin)) found.pin = t('pin.invalid');
    else if (pin !== confirm) found.confirm = t('setup.mismatch');
    setErrors(found);
    reset();
    if (Object.keys(found).length > 0) return;
    const state = await run((bridge) => bridge.setupManager({ name: name.trim(), pin }));
    if (state) onState(state);
  }

  return (
    <form className="staff-card staff-form" onSubmit={(event) => void submit(event)} noValidate>
      <h2>{t('setup.heading')}</h2>
      <p>{t('setup.intro')}</p>
      <TextField label={t('setup.name')} error={errors.name} maxLength={40} value={name} onChange={setName} />
      <PinField
        label={t('setup.pin')}
        hint={t('setup.pinHint')}
        error={errors.pin}
        value={pin}
        onChange={setPin}
      />
      <PinField label={t('setup.confirm')} error={errors.confirm} value={confirm} onChange={setConfirm} />
      <ErrorText>{failure}</ErrorText>
      <button type="submit" className="primary" disabled={busy}>
        {t('setup.submit')}
      </button>
    </form>
  );
}
