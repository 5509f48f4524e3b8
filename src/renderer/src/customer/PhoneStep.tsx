import { useEffect, useRef, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { EarnLines, type EarnLineView } from './EarnLines';
import { Keypad } from './Keypad';
import type { PhoneEntry } from './use-phone-entry';

/**
 * The phone number: a field that shows the digits formatted as typed (no on-screen keyboard of the
 * OS: inputMode none), the keypad, and "Check in", enabled only for a valid number. Typing on a
 * physical keyboard is handled by CustomerScreen for the whole page; pasting lands here.
 */
export function PhoneStep({
  phone,
  earnPoints,
  earnLines = [],
  busy,
  onSubmit,
  onCancel,
  fieldRef,
}: {
  phone: PhoneEntry;
  /** Points the POS's pending sale would earn; null when there is no sale. */
  earnPoints: number | null;
  /** What the sale's points would come from (shown when more than one line earns). */
  earnLines?: readonly EarnLineView[];
  busy: boolean;
  onSubmit: () => void;
  onCancel: () => void;
  fieldRef: React.RefObject<HTMLInputElement | null>;
}) {
  const { t } = useTranslation('customer');
  const focused = useRef(false);
  useEffect(() => {
    if (focused.current) return;
    focused.current = true;
    fieldRef.current?.focus({ preventScroll: true });
  }, [fieldRef]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (phone.e164 && !busy) onSubmit();
  };

  return (
    <form className="phone-step" onSubmit={submit} noValidate>
      <h1 className="customer-title">{t('keypad.title')}</h1>
      {earnPoints !== null ? (
        <div className="earn-message">
          <p>{t('keypad.earn', { count: earnPoints })}</p>
          <EarnLines lines={earnLines} minLines={2} className="earn-message-lines" />
        </div>
      ) : null}
      <div className="phone-field">
        <label htmlFor="customer-phone">{t('keypad.phone')}</label>
        <input
          ref={fieldRef}
          id="customer-phone"
          name="phone"
          type="tel"
          inputMode="none"
          autoComplete="off"
          dir="ltr"
          value={phone.formatted}
          onChange={(event) => phone.replace(event.target.value)}
          aria-describedby={phone.problem ? 'customer-phone-problem' : undefined}
          aria-invalid={phone.problem ? true : undefined}
        />
        <p id="customer-phone-problem" className="phone-problem">
          {phone.problem ? t(`problem.${phone.problem}`) : ''}
        </p>
      </div>
      <Keypad onDigit={phone.append} onDelete={phone.removeLast} busy={busy} />
      <div className="phone-actions">
        <button type="button" className="secondary" onClick={onCancel}>
          {t('cancel', { ns: 'common' })}
        </button>
        {/* Not disabled while busy: a focused button that is disabled drops the keyboard focus. */}
        <button type="submit" className="primary check-in" disabled={!phone.e164} aria-busy={busy}>
          {busy ? t('keypad.checking') : t('keypad.checkIn')}
        </button>
      </div>
    </form>
  );
}
