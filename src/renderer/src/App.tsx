import { useEffect, useId, useState, type FormEvent } from 'react';
import { maskPhone, normalizePhone } from '../../shared/phone';
import type { PendingSale } from '../../shared/pos';

/**
 * The store's country, used to read numbers typed without a country code, until the kiosk's
 * status (window.kiosk.status()) says which country the store is in.
 */
export const DEFAULT_COUNTRY = 'US';

/** How often the screen asks whether the POS has posted a sale (or the one shown expired). */
const PENDING_SALE_POLL_MS = 1000;

type Outcome = { kind: 'status' | 'alert'; text: string } | null;

/**
 * Placeholder check-in screen: the customer types a phone number and checks in through
 * window.kiosk (Electron's preload, or the browser host's shim). The real screens come later.
 */
export function App() {
  const [phone, setPhone] = useState('');
  const [country, setCountry] = useState(DEFAULT_COUNTRY);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [sending, setSending] = useState(false);
  const [pending, setPending] = useState<PendingSale | null>(null);
  const inputId = useId();
  const hintId = useId();

  useEffect(() => {
    void window.kiosk?.status().then((answer) => {
      if (answer.ok) setCountry(answer.value.store.country);
    });
  }, []);

  // The sale the POS rang up and awaits its customer; back to idle when it is cancelled or expires.
  useEffect(() => {
    const kiosk = window.kiosk;
    if (!kiosk?.pendingSale) return;
    let live = true;
    const poll = () =>
      void kiosk.pendingSale().then((answer) => {
        if (live && answer.ok) setPending(answer.value);
      });
    poll();
    const timer = setInterval(poll, PENDING_SALE_POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);

  const result = normalizePhone(phone, country);
  // Say nothing while the field is empty: a new customer has not made a mistake yet.
  const hint =
    phone.trim() === '' ? 'Type the number with or without spaces.' : result.ok ? '' : result.reason;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!result.ok || sending) return;
    const masked = maskPhone(result.e164);
    const kiosk = window.kiosk;
    if (!kiosk) {
      setOutcome({
        kind: 'status',
        text: `${masked} is ready to check in. This preview does not record points.`,
      });
      setPhone('');
      return;
    }
    setSending(true);
    const answer = await kiosk.checkIn({ phone: result.e164, sale: pending?.sale ?? null });
    setSending(false);
    if (!answer.ok) {
      setOutcome({ kind: 'alert', text: answer.message });
      return;
    }
    const value = answer.value;
    if (value.status !== 'not_allowed') setPending(null);
    setOutcome(
      value.status === 'checked_in'
        ? {
            kind: 'status',
            text: `${masked} checked in: ${value.pointsEarned} points earned, ${value.balance.provisional} points in total.`,
          }
        : {
            kind: 'alert',
            text: value.status === 'not_allowed' ? value.message : 'This receipt has already earned points.',
          },
    );
    setPhone('');
  }

  return (
    <main className="check-in">
      <h1>Check in for points</h1>
      {pending && (
        <p className="pending-sale" data-receipt-id={pending.sale.receiptId}>
          Enter your number to earn {pending.wouldEarn.points} points on this purchase.
        </p>
      )}
      <form onSubmit={(event) => void onSubmit(event)} noValidate>
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
            setOutcome(null);
          }}
        />
        <p id={hintId} className="hint" aria-live="polite">
          {hint}
        </p>
        <button type="submit" disabled={!result.ok || sending}>
          Check in
        </button>
      </form>
      {outcome && (
        <p role={outcome.kind} className={outcome.kind === 'status' ? 'status' : 'status error'}>
          {outcome.text}
        </p>
      )}
    </main>
  );
}
