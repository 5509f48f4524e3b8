import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText, StatusText, TextField, useBridgeCall } from './common';

/** A manager's manual adjustment: signed whole points and a required reason. */
export function AdjustPoints({ phone, onDone }: { phone: string; onDone: () => Promise<void> }) {
  const { t } = useTranslation('staff');
  const { busy, failure, done, setDone, reset, run } = useBridgeCall();
  const headingId = useId();
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ points?: string; reason?: string }>({});

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: typeof errors = {};
    const value = /^\s*[-+−]?\d{1,9}\s*$/.test(points) ? Number(points.trim().replace('−', '-')) : NaN;
    if (!Number.isInteger(value) || value === 0) found.points = t('adjust.invalidPoints');
    if (reason.trim() === '') found.reason = t('adjust.reasonRequired');
    setErrors(found);
    reset();
    if (Object.keys(found).length > 0) return;
    const adjusted = await run((bridge) =>
      bridge.adjustPoints({ phone, points: value, reason: reason.trim() }),
    );
    if (!adjusted) return;
    setDone(t('adjust.done', { balance: adjusted.balance.provisional }));
    setPoints('');
    setReason('');
    await onDone();
  }

  return (
    <form
      className="staff-card staff-form"
      aria-labelledby={headingId}
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <h2 id={headingId}>{t('adjust.heading')}</h2>
      <p className="staff-hint">{t('adjust.intro')}</p>
      <TextField
        label={t('adjust.points')}
        error={errors.points}
        inputMode="numeric"
        value={points}
        onChange={setPoints}
      />
      <TextField
        label={t('adjust.reason')}
        error={errors.reason}
        required
        aria-required="true"
        maxLength={200}
        value={reason}
        onChange={setReason}
      />
      <ErrorText>{failure}</ErrorText>
      <StatusText>{done}</StatusText>
      <button type="submit" className="primary" disabled={busy}>
        {t('adjust.submit')}
      </button>
    </form>
  );
}
