import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { maskPhone } from '../../../shared/phone-number';
import { EarnLines } from './EarnLines';
import type { Outcome } from './outcome';

/** The heading above the live region's sentence: thanks (by first name, if known) or why no points. */
export function OutcomeHeading({ outcome }: { outcome: Outcome }) {
  const { t } = useTranslation('customer');
  let text: string;
  if (outcome.kind === 'checked_in') {
    const name = outcome.result.balance.firstName;
    text = outcome.joined
      ? name
        ? t('result.welcomeName', { name })
        : t('result.welcome')
      : name
        ? t('result.thanksName', { name })
        : t('result.thanks');
  } else {
    text = t('refused.title');
  }
  return <h1 className="customer-title">{text}</h1>;
}

/** Below the sentence: what earned the points (short labels), the masked phone, the tier, the progress bar to the next reward, "Done". */
export function OutcomeDetails({ outcome, onDone }: { outcome: Outcome; onDone: () => void }) {
  const { t } = useTranslation('customer');
  const done = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    done.current?.focus({ preventScroll: true });
  }, []);
  return (
    <div className="outcome-details">
      {outcome.kind === 'checked_in' ? <CheckedInDetails outcome={outcome} /> : null}
      <button ref={done} type="button" className="primary outcome-done" onClick={onDone}>
        {t('result.done')}
      </button>
    </div>
  );
}

function CheckedInDetails({ outcome }: { outcome: Extract<Outcome, { kind: 'checked_in' }> }) {
  const { t } = useTranslation('customer');
  const { balance, tier, tierChanged, lines } = outcome.result;
  const { nextReward, pointsToNext, fraction } = balance.progress;
  return (
    <>
      <EarnLines lines={lines} className="outcome-lines" />
      <p className="outcome-phone">{t('result.phone', { phone: maskPhone(balance.phone) })}</p>
      {tier ? (
        <p className="outcome-tier">
          {tierChanged ? t('result.tierUp', { tier: tier.name }) : t('result.tier', { tier: tier.name })}
        </p>
      ) : null}
      {nextReward ? (
        <div className="progress">
          <div
            className="progress-track"
            role="progressbar"
            aria-label={t('result.progressLabel', { reward: nextReward.name })}
            aria-valuemin={0}
            aria-valuemax={nextReward.pointsCost}
            aria-valuenow={nextReward.pointsCost - pointsToNext}
          >
            <div className="progress-fill" style={{ inlineSize: `${Math.round(fraction * 100)}%` }} />
          </div>
          <p className="progress-text">
            {t('result.toNext', { count: pointsToNext, reward: nextReward.name })}
          </p>
        </div>
      ) : (
        <p className="progress-text">{t('result.allRewards')}</p>
      )}
    </>
  );
}
