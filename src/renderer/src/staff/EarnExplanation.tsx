import { useTranslation } from 'react-i18next';
import { useExplainLine, type ExplainableLine } from '../app/explain-text';

/**
 * Why a check-in earned what it did, in full for the cashier: each line's detail ("Double
 * Tuesday (Tuesdays): 2× the base points (this line is the extra)") and its points, in the
 * screen's language from the line's message (app/explain-text.ts); the engine's English detail
 * for lines kept without one.
 */
export function EarnExplanation({
  lines,
}: {
  lines: readonly (ExplainableLine & { points: number })[] | undefined;
}) {
  const { t } = useTranslation('staff');
  const explain = useExplainLine();
  if (!lines || lines.length === 0) return null;
  return (
    <ul className="earn-explanation" aria-label={t('explanation.label')}>
      {lines.map((line, index) => (
        <li key={index}>
          <span>{explain(line, 'full')}</span>{' '}
          {line.points > 0 ? (
            <span className="earn-explanation-points">{t('explanation.points', { count: line.points })}</span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
