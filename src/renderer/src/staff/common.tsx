import {
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
  type InputHTMLAttributes,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { IpcFailure, IpcResult, KioskBridge } from '../../../shared/ipc';
import { useFailureText } from '../app/failure-text';
import { useKiosk } from '../app/kiosk-context';
import { formatDateTime, formatMoney, formatNumber } from '../format';

/** A refusal in the screen's language: the staff catalog's text for staff codes, else common's. */
export function useStaffFailureText(): (failure: Pick<IpcFailure, 'code' | 'message'>) => string {
  const { t } = useTranslation('staff');
  const common = useFailureText();
  return useCallback((failure) => t(`codes.${failure.code}`, { defaultValue: common(failure) }), [t, common]);
}

/**
 * One bridge call at a time from a staff form: `busy` while it runs, a refusal in the screen's
 * language as `failure`, and a result message as `done`. `run` clears both, awaits the call and
 * returns its value, or null when refused (failure set) or without a bridge. An answer arriving
 * after the component has gone is dropped (null, nothing set).
 */
export function useBridgeCall() {
  const { bridge } = useKiosk();
  const failureText = useStaffFailureText();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const reset = useCallback(() => {
    setFailure(null);
    setDone(null);
  }, []);

  const run = useCallback(
    async <T,>(call: (bridge: KioskBridge) => Promise<IpcResult<T>>): Promise<T | null> => {
      if (!bridge) return null;
      reset();
      setBusy(true);
      const answer = await call(bridge);
      if (!mounted.current) return null;
      setBusy(false);
      if (answer.ok) return answer.value;
      setFailure(failureText(answer));
      return null;
    },
    [bridge, failureText, reset],
  );

  return { busy, failure, setFailure, done, setDone, reset, run };
}

/** Numbers, money and times in the screen's language and the store's time zone. */
export function useFormat() {
  const { i18n } = useTranslation();
  const { status } = useKiosk();
  const locale = i18n.language;
  const timeZone = status?.store.timeZone ?? 'UTC';
  return {
    locale,
    number: (value: number) => formatNumber(locale, value),
    money: (amount: number, currency: string) => formatMoney(locale, { amount, currency }),
    time: (iso: string) => formatDateTime(locale, iso, timeZone, 'time'),
    dateTime: (iso: string) => formatDateTime(locale, iso, timeZone, 'dateTime'),
  };
}

/** An error, announced as soon as it appears. */
export function ErrorText({ children, id }: { children: ReactNode; id?: string }) {
  if (!children) return null;
  return (
    <p className="staff-error" role="alert" id={id}>
      {children}
    </p>
  );
}

/** A result, announced politely. The live region is always there so its change is read out. */
export function StatusText({ children }: { children: ReactNode }) {
  return (
    <div className="staff-status" role="status">
      {children ? <p>{children}</p> : null}
    </div>
  );
}

/** A labelled field with an optional hint and an error tied to it. */
export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: string;
  error?: string | null;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ');
  return (
    <div className="staff-field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="staff-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {children({
        id,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(error ? { 'aria-invalid': true } : {}),
      })}
      {error ? <ErrorText id={errorId}>{error}</ErrorText> : null}
    </div>
  );
}

/** A one-line text field (no autocomplete); other input attributes pass through. */
export function TextField({
  label,
  hint,
  error,
  value,
  onChange,
  ...input
}: {
  label: string;
  hint?: string;
  error?: string | null;
  value: string;
  onChange: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'>) {
  return (
    <Field label={label} {...(hint ? { hint } : {})} error={error ?? null}>
      {(props) => (
        <input
          {...props}
          autoComplete="off"
          {...input}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** A PIN typed on a keyboard (never shown; digits only, 4 to 8 of them). */
export function PinField({
  label,
  hint,
  error,
  value,
  onChange,
}: {
  label: string;
  hint?: string;
  error?: string | null;
  value: string;
  onChange: (pin: string) => void;
}) {
  return (
    <Field label={label} {...(hint ? { hint } : {})} error={error ?? null}>
      {(props) => (
        <input
          {...props}
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={8}
          value={value}
          onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))}
        />
      )}
    </Field>
  );
}

/** "12.50" (or "12,50") in major units → 1250 minor units, without floats; null when not an amount. */
export function toMinorUnits(text: string, digits: number): number | null {
  const match = /^\s*(\d{1,9})(?:[.,](\d*))?\s*$/.exec(text);
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  const value = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return value > 0 && value <= 999_999_999 ? value : null;
}

export const PIN_PATTERN = /^[0-9]{4,8}$/;
