import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * An unknown number: join the program. The terms must be accepted; texts with offers are a
 * separate choice, off unless ticked. "No thanks" leaves without writing anything.
 */
export function JoinStep({
  programName,
  termsVersion,
  busy,
  onJoin,
  onDecline,
}: {
  programName: string;
  termsVersion: string;
  busy: boolean;
  onJoin: (choice: { sms: boolean }) => void;
  onDecline: () => void;
}) {
  const { t } = useTranslation('customer');
  const [terms, setTerms] = useState(false);
  const [sms, setSms] = useState(false);
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (terms && !busy) onJoin({ sms });
  };

  return (
    <form className="join-step" onSubmit={submit} noValidate>
      <h1 className="customer-title" ref={heading} tabIndex={-1}>
        {t('join.title', { program: programName })}
      </h1>
      <p className="join-intro">{t('join.intro')}</p>
      <div className="choice">
        <input
          id={`${id}-terms`}
          type="checkbox"
          checked={terms}
          onChange={(event) => setTerms(event.target.checked)}
          aria-describedby={`${id}-terms-note`}
          required
        />
        <label htmlFor={`${id}-terms`}>{t('join.terms')}</label>
        <p id={`${id}-terms-note`} className="choice-note">
          {t('join.termsNote', { version: termsVersion })}
        </p>
      </div>
      <div className="choice">
        <input
          id={`${id}-sms`}
          type="checkbox"
          checked={sms}
          onChange={(event) => setSms(event.target.checked)}
          aria-describedby={`${id}-sms-note`}
        />
        <label htmlFor={`${id}-sms`}>{t('join.sms')}</label>
        <p id={`${id}-sms-note`} className="choice-note">
          {t('join.smsNote')}
        </p>
      </div>
      <div className="join-actions">
        <button type="button" className="secondary" onClick={() => busy || onDecline()}>
          {t('join.noThanks')}
        </button>
        <button type="submit" className="primary" disabled={!terms} aria-busy={busy}>
          {busy ? t('join.joining') : t('join.join')}
        </button>
      </div>
    </form>
  );
}
