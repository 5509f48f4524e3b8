import { useId, useState, type FormEvent } from 'react';
import { maskPhone, normalizePhone } from '../../shared/phone';

/**
 * The store's country, used to read numbers typed without a country code. A placeholder until the
 * store settings come from main over window.kiosk.
 */
export const DEFAULT_COUNTRY = 'US';

/** Placeholder check-in screen: the customer types a phone number and checks in. */
export function App() {
  const [phone, setPhone] = useState('');
  const [checkedIn, setCheckedIn] = useState<string | null>(null);
  const inputId = useId();
  const hintId = useId();

  const result = normalizePhone(phone, DEFAULT_COUNTRY);
  // Say nothing while the field is empty: a new customer has not made a mistake yet.
  const hint =
    phone.trim() === '' ? 'Type the number with or without spaces.' : result.ok ? '' : result.reason;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!result.ok) return;
    // The ledger call arrives with the IPC bridge; for now show what would be checked in.
    setCheckedIn(result.e164);
    setPhone('');
  }

  return (
    <main className="check-in">
      <h1>Check in for points</h1>
      <form onSubmit={onSubmit} noValidate>
        <label htmlFor={inputId}>Phone number</label>
        <input
          id={inputId}
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="off"
          maxLength={32}
          value={phone}
          aria-describedby={hintId}
          aria-invalid={phone.trim() !== '' && !result.ok}
          onChange={(event) => {
            setPhone(event.target.value);
            setCheckedIn(null);
          }}
        />
        <p id={hintId} className="hint" aria-live="polite">
          {hint}
        </p>
        <button type="submit" disabled={!result.ok}>
          Check in
        </button>
      </form>
      {checkedIn && (
        <p role="status" className="status">
          {maskPhone(checkedIn)} is ready to check in. This preview does not record points yet.
        </p>
      )}
    </main>
  );
}
