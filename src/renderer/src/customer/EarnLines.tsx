import { useTranslation } from 'react-i18next';
import { useExplainLine, type ExplainableLine } from '../app/explain-text';

/** A line of the rules engine's explanation, as the customer screen needs it. */
export interface EarnLineView extends ExplainableLine {
  points: number;
}

/**
 * What earned the points, in short: "2× Tuesday +12 · $42.00 spent +42". Only the lines that
 * earned points, each in the screen's language (app/explain-text.ts: the catalog's short text for
 * the line's message; names of promotions and tiers are the program's). Nothing when fewer than
 * `minLines` lines earned.
 */
export function EarnLines({
  lines,
  minLines = 1,
  className,
}: {
  lines: readonly EarnLineView[];
  minLines?: number;
  className: string;
}) {
  const { t } = useTranslation('customer');
  const explain = useExplainLine();
  const earning = lines.filter((line) => line.points > 0);
  if (earning.length < minLines || earning.length === 0) return null;
  return (
    <ul className={`earn-lines ${className}`} aria-label={t('earnLines.label')}>
      {earning.map((line, index) => (
        <li key={index}>
          <span className="earn-line-label">{explain(line, 'short')}</span>{' '}
          <span className="earn-line-points">{t('earnLines.points', { points: line.points })}</span>
        </li>
      ))}
    </ul>
  );
}
