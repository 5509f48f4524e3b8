import { useTranslation } from 'react-i18next';

/**
 * Why a check-in earned what it did, in full for the cashier: each line's detail ("Double
 * Tuesday (Tuesdays): 2× the base points (this line is the extra)") and its points. The details
 * come from the rules engine as the event kept them, not from the catalog.
 */
export function EarnExplanation({
  lines,
}: {
  lines: readonly { detail: string; points: number }[] | undefined;
}) {
  const { t } = useTranslation('staff');
  if (!lines || lines.length === 0) return null;
  return (
    <ul className="earn-explanation" aria-label={t('explanation.label')}>
      {lines.map((line, index) => (
        <li key={index}>
          <span>{line.detail}</span>{' '}
          {line.points > 0 ? (
            <span className="earn-explanation-points">{t('explanation.points', { count: line.points })}</span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
