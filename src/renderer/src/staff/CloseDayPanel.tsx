import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/ipc';
import { useKiosk } from '../app/kiosk-context';
import { ErrorText, StatusText, useBridgeCall, useFormat, useStaffFailureText } from './common';
import { ExportCsv } from './ExportCsv';
import { HourlyChart } from './HourlyChart';

type ZReport = ChannelOutput<'day:close'>;
type DayReport = ChannelOutput<'day:report'>;

const ROWS = [
  ['checkIns', 'close.checkIns'],
  ['enrolments', 'close.enrolments'],
  ['pointsEarned', 'close.pointsIssued'],
  ['pointsRedeemed', 'close.pointsRedeemed'],
  ['pointsReversed', 'close.pointsReversed'],
  ['pointsAdjusted', 'close.pointsAdjusted'],
] as const;

/** "Close day": the end-of-day close, the Z-report, the day's hourly chart and its CSV. */
export function CloseDayPanel() {
  const { t } = useTranslation('staff');
  const { bridge, status, refreshStatus } = useKiosk();
  const failureText = useStaffFailureText();
  const format = useFormat();
  const [report, setReport] = useState<ZReport | null>(null);
  const [day, setDay] = useState<DayReport | null>(null);
  const { busy, failure, setFailure, run } = useBridgeCall();

  const loadDay = useCallback(
    async (businessDay?: string) => {
      if (!bridge) return;
      const answer = await bridge.dayReport(businessDay ? { businessDay } : undefined);
      if (answer.ok) setDay(answer.value);
      else setFailure(failureText(answer));
    },
    [bridge, failureText, setFailure],
  );

  useEffect(() => {
    const first = setTimeout(() => void loadDay(), 0);
    return () => clearTimeout(first);
  }, [loadDay]);

  async function close() {
    const closed = await run((bridge) => bridge.closeDay());
    if (!closed) return;
    setReport(closed);
    await Promise.all([loadDay(closed.businessDay), refreshStatus()]);
  }

  const businessDay = report?.businessDay ?? day?.totals.businessDay ?? status?.businessDay ?? '';

  return (
    <div className="staff-stack">
      <section className="staff-card" aria-labelledby="close-heading">
        <h2 id="close-heading">{t('close.heading')}</h2>
        <p>{t('close.intro')}</p>
        {status?.dayClosed && !report ? (
          <p className="staff-hint">{t('close.alreadyClosed', { day: status.businessDay })}</p>
        ) : null}
        <button type="button" className="primary" disabled={busy} onClick={() => void close()}>
          {t('close.closeDay')}
        </button>
        {busy ? <p>{t('working')}</p> : null}
        <ErrorText>{failure}</ErrorText>
      </section>

      <StatusText>{report ? report.message : null}</StatusText>

      {report ? (
        <section className="staff-card z-report" aria-labelledby="z-heading">
          <h2 id="z-heading">{t('close.report', { day: report.businessDay })}</h2>
          <p>{t('close.closedAt', { time: format.dateTime(report.closedAt) })}</p>
          <p>{report.synced ? t('close.synced') : t('close.notSynced')}</p>
          {report.matches === true ? <p>{t('close.matches')}</p> : null}
          {report.matches === false ? <p className="staff-warning">{t('close.differs')}</p> : null}
          <div className="staff-table-wrap">
            <table className="staff-table">
              <thead>
                <tr>
                  <th scope="col">{t('close.figure')}</th>
                  <th scope="col">{t('close.till')}</th>
                  {report.server ? <th scope="col">{t('close.server')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {ROWS.map(([field, label]) => (
                  <tr key={field}>
                    <th scope="row">{t(label)}</th>
                    <td className="staff-num">{format.number(report.till[field])}</td>
                    {report.server ? (
                      <td className="staff-num">{format.number(report.server[field])}</td>
                    ) : null}
                  </tr>
                ))}
                <tr>
                  <th scope="row">{t('close.pointsRestored')}</th>
                  <td className="staff-num">{format.number(report.till.pointsRestored)}</td>
                  {report.server ? <td /> : null}
                </tr>
                <tr>
                  <th scope="row">{t('close.unsyncedEvents')}</th>
                  <td className="staff-num">{format.number(report.till.unsyncedEvents)}</td>
                  {report.server ? <td /> : null}
                </tr>
              </tbody>
            </table>
          </div>
          {report.overdrawnCustomers > 0 ? (
            <p className="staff-warning">{t('close.overdrawn', { count: report.overdrawnCustomers })}</p>
          ) : null}
          {report.refusedEvents.length > 0 ? (
            <p className="staff-warning">{t('close.refused', { count: report.refusedEvents.length })}</p>
          ) : null}
        </section>
      ) : null}

      {day ? (
        <section className="staff-card" aria-labelledby="day-heading">
          <h2 id="day-heading">{t('close.dayReport', { day: businessDay })}</h2>
          <HourlyChart hourly={day.hourlyCheckIns} />
          <ExportCsv businessDay={day.totals.businessDay} />
        </section>
      ) : null}
    </div>
  );
}
