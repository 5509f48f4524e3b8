import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/ipc';
import { useKiosk } from '../app/kiosk-context';
import { ErrorText, useFormat, useStaffFailureText } from './common';
import { EarnExplanation } from './EarnExplanation';

type Today = ChannelOutput<'checkins:today'>;

/** Today's check-ins at this kiosk, masked. */
export function TodayPanel() {
  const { t } = useTranslation('staff');
  const { bridge } = useKiosk();
  const failureText = useStaffFailureText();
  const format = useFormat();
  const [today, setToday] = useState<Today | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const load = useCallback(async () => {
    if (!bridge) return;
    const answer = await bridge.todaysCheckIns();
    if (answer.ok) {
      setToday(answer.value);
      setFailure(null);
    } else setFailure(failureText(answer));
  }, [bridge, failureText]);

  useEffect(() => {
    const first = setTimeout(() => void load(), 0);
    return () => clearTimeout(first);
  }, [load]);

  return (
    <div className="staff-card">
      <div className="staff-row staff-row-spread">
        <h2>{t('today.heading')}</h2>
        <button type="button" onClick={() => void load()}>
          {t('today.refresh')}
        </button>
      </div>
      <ErrorText>{failure}</ErrorText>
      {today ? (
        <>
          <p>{t('today.count', { count: today.checkIns.length, day: today.businessDay })}</p>
          {today.checkIns.length > 0 ? (
            <div className="staff-table-wrap">
              <table className="staff-table">
                <thead>
                  <tr>
                    <th scope="col">{t('today.time')}</th>
                    <th scope="col">{t('today.customer')}</th>
                    <th scope="col">{t('today.points')}</th>
                    <th scope="col">{t('today.receipt')}</th>
                    <th scope="col">{t('today.why')}</th>
                  </tr>
                </thead>
                <tbody>
                  {today.checkIns.map((checkIn) => (
                    <tr key={checkIn.eventId}>
                      <td>{format.time(checkIn.occurredAt)}</td>
                      <td>{checkIn.maskedPhone}</td>
                      <td className="staff-num">{format.number(checkIn.points)}</td>
                      <td>{checkIn.receiptId ?? t('today.noReceipt')}</td>
                      <td>
                        <EarnExplanation lines={checkIn.explanation} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
