import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LedgerEvent } from '../../../shared/events';
import { useKiosk } from '../app/kiosk-context';
import { ErrorText, useFormat, useStaffFailureText } from './common';
import { EarnExplanation } from './EarnExplanation';

/** Points an event moved, as the ledger counts them (src/shared/events.ts pointsDelta, zod-free). */
function pointsOf(event: LedgerEvent): number | null {
  switch (event.type) {
    case 'points.earned':
      return event.payload.points;
    case 'points.redeemed':
      return -event.payload.points;
    case 'points.reversed':
      return (event.payload.restoredPoints ?? 0) - event.payload.points;
    case 'points.adjusted':
      return event.payload.points;
    default:
      return null;
  }
}

function receiptOf(event: LedgerEvent): string | null {
  return 'receiptId' in event.payload ? (event.payload.receiptId ?? null) : null;
}

/** A customer's latest events on this kiosk. */
export function CustomerHistory({ phone }: { phone: string }) {
  const { t } = useTranslation('staff');
  const { bridge } = useKiosk();
  const failureText = useStaffFailureText();
  const format = useFormat();
  const headingId = useId();
  const [events, setEvents] = useState<LedgerEvent[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    if (!bridge) return;
    let live = true;
    void bridge.history({ phone, limit: 20 }).then((answer) => {
      if (!live) return;
      if (answer.ok) setEvents(answer.value.events);
      else setFailure(failureText(answer));
    });
    return () => {
      live = false;
    };
  }, [bridge, phone, failureText]);

  function describe(event: LedgerEvent): string {
    if (event.type === 'points.redeemed')
      return t('customers.events.points_redeemed', { reward: event.payload.rewardName });
    if (event.type === 'points.adjusted')
      return t('customers.events.points_adjusted', { reason: event.payload.reason });
    return t(`customers.events.${event.type.replace('.', '_')}`);
  }

  return (
    <section className="staff-card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('customers.history')}</h2>
      <ErrorText>{failure}</ErrorText>
      {events && events.length === 0 ? <p>{t('customers.historyEmpty')}</p> : null}
      {events && events.length > 0 ? (
        <div className="staff-table-wrap">
          <table className="staff-table">
            <thead>
              <tr>
                <th scope="col">{t('customers.when')}</th>
                <th scope="col">{t('customers.what')}</th>
                <th scope="col">{t('customers.points')}</th>
                <th scope="col">{t('customers.receipt')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => {
                const points = pointsOf(event);
                return (
                  <tr key={event.id}>
                    <td>{format.dateTime(event.occurredAt)}</td>
                    <td>
                      {describe(event)}
                      {event.type === 'points.earned' ? (
                        <EarnExplanation lines={event.payload.explanation} />
                      ) : null}
                    </td>
                    <td className="staff-num">
                      {points === null ? '' : `${points > 0 ? '+' : ''}${format.number(points)}`}
                    </td>
                    <td>{receiptOf(event) ?? ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
