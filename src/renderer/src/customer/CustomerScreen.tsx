import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useKiosk } from '../app/kiosk-context';
import { useFailureText } from '../app/failure-text';
import { Attract } from './Attract';
import { JoinStep } from './JoinStep';
import { announcement, outcomeOf, type Outcome } from './outcome';
import { PhoneStep } from './PhoneStep';
import { OutcomeDetails, OutcomeHeading } from './ResultView';
import { useIdleReset } from './use-idle-reset';
import { usePendingSale } from './use-pending-sale';
import { usePhoneEntry } from './use-phone-entry';
import './customer.css';

const DEFAULT_IDLE_SECONDS = 30;

type Step =
  | { kind: 'attract' }
  | { kind: 'phone' }
  | { kind: 'join'; e164: string }
  | { kind: 'outcome'; outcome: Outcome };

/** A key typed into a field other than the phone's is that field's, not the keypad's. */
function typedElsewhere(target: EventTarget | null, phoneField: HTMLInputElement | null): boolean {
  if (!(target instanceof HTMLElement) || target === phoneField) return false;
  return (
    target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement
  );
}

/**
 * The customer's check-in screen, where the kiosk idles: attract, phone number, joining, and the
 * outcome (points and balance, or why none). After the display's idle timeout without a touch or
 * a key it returns to attract and forgets the customer: digits, outcome and name.
 */
export function CustomerScreen({ onStaff }: { onStaff: () => void }) {
  const { t, i18n } = useTranslation('customer');
  const failureText = useFailureText();
  const { bridge, status } = useKiosk();
  const country = status?.store.country ?? 'US';
  const timeZone = status?.store.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const idleSeconds = status?.display?.idleTimeoutSeconds ?? DEFAULT_IDLE_SECONDS;

  const [chosenStep, setStep] = useState<Step>({ kind: 'attract' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const phone = usePhoneEntry(country);
  const polled = usePendingSale(bridge);
  /** The receipt just checked in: the poll may still show it for up to a second. */
  const [usedReceipt, setUsedReceipt] = useState<string | null>(null);
  const pending = polled && polled.sale.receiptId !== usedReceipt ? polled : null;
  const phoneField = useRef<HTMLInputElement>(null);
  // A sale from the POS awaits its customer: never the attract step, the keypad with what it earns.
  const step: Step = chosenStep.kind === 'attract' && pending ? { kind: 'phone' } : chosenStep;
  /** Bumped by every reset, so an answer that arrives after one is dropped. */
  const generation = useRef(0);

  const reset = useCallback(() => {
    generation.current += 1;
    phone.clear();
    setStep({ kind: 'attract' });
    setBusy(false);
    setError(null);
  }, [phone]);

  useIdleReset(step.kind !== 'attract' || phone.digits !== '' || error !== null, idleSeconds, reset);

  const openKeypad = useCallback(
    (digit?: string) => {
      phone.clear();
      if (digit) phone.append(digit);
      setError(null);
      setStep({ kind: 'phone' });
    },
    [phone],
  );

  // The physical keyboard: digits and Delete work wherever the focus is on the keypad step, and a
  // digit typed on the attract step opens the keypad with it.
  const { append, removeLast } = phone;
  useEffect(() => {
    if (step.kind !== 'attract' && step.kind !== 'phone') return;
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      if (typedElsewhere(event.target, phoneField.current)) return;
      if (/^[0-9]$/.test(event.key)) {
        event.preventDefault();
        if (step.kind === 'attract') openKeypad(event.key);
        else if (!busy) append(event.key);
      } else if (step.kind === 'phone' && (event.key === 'Backspace' || event.key === 'Delete')) {
        event.preventDefault();
        if (!busy) removeLast();
      } else if (step.kind === 'phone' && event.key === 'Escape') {
        event.preventDefault();
        reset();
      } else if (
        step.kind === 'attract' &&
        (event.key === 'Enter' || event.key === ' ') &&
        (event.target === document.body || event.target === null)
      ) {
        event.preventDefault();
        openKeypad();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [step.kind, busy, append, removeLast, openKeypad, reset]);

  const checkIn = useCallback(
    async (e164: string, joined: boolean) => {
      if (!bridge) {
        setError(t('preview'));
        return;
      }
      const mine = generation.current;
      const sale = pending?.sale ?? null;
      const answer = await bridge.checkIn({ phone: e164, sale });
      if (generation.current !== mine) return;
      if (answer.ok) {
        if (sale) setUsedReceipt(sale.receiptId);
        phone.clear();
        setStep({ kind: 'outcome', outcome: outcomeOf(answer.value, joined) });
      } else if (answer.code === 'not_enrolled' && !joined) {
        setStep({ kind: 'join', e164 });
      } else {
        setError(failureText(answer));
      }
    },
    [bridge, pending, phone, failureText, t],
  );

  const submitPhone = useCallback(async () => {
    if (!phone.e164) return;
    setBusy(true);
    setError(null);
    const mine = generation.current;
    try {
      await checkIn(phone.e164, false);
    } finally {
      if (generation.current === mine) setBusy(false);
    }
  }, [phone.e164, checkIn]);

  const join = useCallback(
    async (e164: string, sms: boolean) => {
      if (!bridge || !status) {
        setError(t('preview'));
        return;
      }
      setBusy(true);
      setError(null);
      const mine = generation.current;
      try {
        const enrolled = await bridge.enroll({
          phone: e164,
          consent: { terms: true, termsVersion: status.program.termsVersion, sms },
        });
        if (generation.current !== mine) return;
        if (!enrolled.ok && enrolled.code !== 'already_enrolled') {
          setError(failureText(enrolled));
          return;
        }
        await checkIn(e164, true);
      } finally {
        if (generation.current === mine) setBusy(false);
      }
    },
    [bridge, status, checkIn, failureText, t],
  );

  const outcome = step.kind === 'outcome' ? step.outcome : null;
  const locale = i18n.language;

  return (
    <main className={`customer customer-${step.kind}`}>
      <div className="customer-body">
        {step.kind === 'attract' ? <Attract onStart={() => openKeypad()} /> : null}
        {step.kind === 'phone' ? (
          <PhoneStep
            phone={phone}
            earnPoints={pending ? pending.wouldEarn.points : null}
            earnLines={pending?.wouldEarn.lines}
            busy={busy}
            onSubmit={() => void submitPhone()}
            onCancel={reset}
            fieldRef={phoneField}
          />
        ) : null}
        {step.kind === 'join' ? (
          <JoinStep
            programName={status?.program.name ?? ''}
            termsVersion={status?.program.termsVersion ?? ''}
            busy={busy}
            onJoin={({ sms }) => void join(step.e164, sms)}
            onDecline={reset}
          />
        ) : null}
        {outcome ? <OutcomeHeading outcome={outcome} /> : null}
        {/* Always in the page, so a screen reader hears the sentence when it appears. */}
        <div className="outcome-text" role="status" aria-atomic="true">
          {outcome ? announcement(outcome, t, { locale, timeZone }) : ''}
        </div>
        {outcome ? <OutcomeDetails outcome={outcome} onDone={reset} /> : null}
        <div className={error ? 'customer-error has-text' : 'customer-error'} role="alert">
          {error ?? ''}
        </div>
      </div>
      <footer className="customer-footer">
        <button type="button" className="staff-button" onClick={onStaff}>
          {t('staff')}
        </button>
      </footer>
    </main>
  );
}
