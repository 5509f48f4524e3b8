import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from './common';

function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

/**
 * Check-ins by hour of the store's day as CSS bars. The bars are pictures only; a table carries
 * the same numbers for screen readers and for anyone who wants them exact.
 */
export function HourlyChart({ hourly }: { hourly: readonly number[] }) {
  const { t } = useTranslation('staff');
  const format = useFormat();
  const captionId = useId();
  const max = Math.max(1, ...hourly);
  return (
    <figure className="hourly-chart" aria-labelledby={captionId}>
      <figcaption id={captionId}>{t('close.chart')}</figcaption>
      <div className="hourly-bars" aria-hidden="true">
        {hourly.map((count, hour) => (
          <div key={hour} className="hourly-column" title={t('close.bar', { hour: hourLabel(hour), count })}>
            <span className="hourly-count">{count > 0 ? format.number(count) : ''}</span>
            <span className="hourly-bar" style={{ blockSize: `${(count / max) * 100}%` }} />
            <span className="hourly-hour">{hour % 3 === 0 ? String(hour).padStart(2, '0') : ''}</span>
          </div>
        ))}
      </div>
      <table className="visually-hidden">
        <caption>{t('close.chart')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('close.chartHour')}</th>
            <th scope="col">{t('close.chartCount')}</th>
          </tr>
        </thead>
        <tbody>
          {hourly.map((count, hour) => (
            <tr key={hour}>
              <th scope="row">{hourLabel(hour)}</th>
              <td>{format.number(count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
