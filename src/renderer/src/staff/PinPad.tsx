import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffState } from '../../../shared/ipc';
import { useKiosk } from '../app/kiosk-context';
import { ErrorText, PIN_PATTERN, useFormat, useStaffFailureText } from './common';

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'] as const;

/**
 * The PIN pad: a password field labelled "PIN" (typing on a keyboard works; inputMode none keeps a
 * touch keyboard away) and on-screen digits. The PIN decides cashier or manager.
 */
export function PinPad({ state, onState }: { state: StaffState; onState: (state: StaffState) => void }) {
  const { t } = useTranslation('staff');
  const { bridge } = useKiosk();
  const failureText = useStaffFailureText();
  const format = useFormat();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const locked = state.lockedUntil !== null;

  const type = (digit: string) => {
    setPin((current) => (current.length < 8 ? current + digit : current));
    setError(null);
  };

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (!bridge || busy) return;
    if (!PIN_PATTERN.test(pin)) {
      setError(t('pin.invalid'));
      input.current?.focus();
      return;
    }
    setBusy(true);
    const answer = await bridge.staffSignIn({ pin });
    setBusy(false);
    setPin('');
    if (answer.ok) {
      onState(answer.value);
      return;
    }
    const fresh = await bridge.staffState();
    if (fresh.ok) onState(fresh.value);
    const lockedUntil = fresh.ok ? fresh.value.lockedUntil : null;
    if (answer.code === 'staff_locked' && lockedUntil) {
      setError(t('pin.lockedUntil', { time: format.time(lockedUntil) }));
    } else if (answer.code === 'wrong_pin' && fresh.ok && !lockedUntil) {
      setError(`${failureText(answer)} ${t('pin.attemptsLeft', { count: fresh.value.attemptsLeft })}`);
    } else if (answer.code === 'wrong_pin' && lockedUntil) {
      setError(`${failureText(answer)} ${t('pin.lockedUntil', { time: format.time(lockedUntil) })}`);
    } else {
      setError(failureText(answer));
    }
    input.current?.focus();
  }

  return (
    <form className="pin-pad" onSubmit={(event) => void submit(event)} noValidate>
      <h2>{t('pin.heading')}</h2>
      <div className="staff-field">
        <label htmlFor="staff-pin">{t('pin.label')}</label>
        <p className="staff-hint" id={hintId}>
          {t('pin.hint')}
        </p>
        <input
          id="staff-pin"
          ref={input}
          type="password"
          inputMode="none"
          autoComplete="off"
          autoFocus
          maxLength={8}
          value={pin}
          aria-describedby={hintId}
          aria-invalid={error ? true : undefined}
          onChange={(event) => {
            setPin(event.target.value.replace(/\D/g, '').slice(0, 8));
            setError(null);
          }}
        />
      </div>
      {locked && !error ? (
        <ErrorText>{t('pin.lockedUntil', { time: format.time(state.lockedUntil ?? '') })}</ErrorText>
      ) : null}
      <ErrorText>{error}</ErrorText>
      <div className="pin-keys" role="group" aria-label={t('pin.keypad')}>
        {DIGITS.map((digit) => (
          <button key={digit} type="button" className="pin-key" onClick={() => type(digit)}>
            {digit}
          </button>
        ))}
        <button
          type="button"
          className="pin-key pin-delete"
          onClick={() => {
            setPin((current) => current.slice(0, -1));
            input.current?.focus();
          }}
        >
          {t('pin.delete')}
        </button>
      </div>
      <button type="submit" className="primary pin-submit" disabled={busy}>
        {t('pin.signIn')}
      </button>
    </form>
  );
}
