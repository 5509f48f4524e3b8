import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ProgramSchema, type Program } from '../../../src/shared/program';
import { earn, type SaleForEarn, type SaleLineForEarn } from '../../../src/shared/rules';
import { firstInstantOf, wallClock } from '../../../src/shared/rules/calendar';

/**
 * docs/rules.md is the store owner's guide. Its example programs and every row of its worked-
 * examples table are parsed here and run through the engine, so the document cannot drift from
 * the code: a wrong number in the table, or a changed rule, fails this test.
 */

const doc = readFileSync(fileURLToPath(new URL('../../../docs/rules.md', import.meta.url)), 'utf8');
const TIME_ZONE = 'America/New_York';

function examplePrograms(): Map<string, Program> {
  const programs = new Map<string, Program>();
  for (const match of doc.matchAll(/<!-- program: ([\w-]+) -->\s*```json\n([\s\S]*?)```/g)) {
    programs.set(match[1]!, ProgramSchema.parse(JSON.parse(match[2]!)));
  }
  return programs;
}

/** "$1,234.56" → 123456 minor units, without floats. */
function cents(text: string): number {
  const match = /^\$([\d,]+)\.(\d{2})$/.exec(text.trim());
  if (!match) throw new Error(`Not a dollar amount: "${text}"`);
  return Number(match[1]!.replaceAll(',', '')) * 100 + Number(match[2]);
}

/** "$150.00, tax $3.60, tip $1.00; 1 × RUN-9 (running) $100.00; 1 × LACE $5.00 reward" */
function parseSale(text: string): SaleForEarn {
  const [head, ...lineTexts] = text.split(';').map((part) => part.trim());
  const [totalText, ...extras] = head!.split(',').map((part) => part.trim());
  const usd = (amount: number) => ({ amount, currency: 'USD' });
  const sale: SaleForEarn = { total: usd(cents(totalText!)) };
  for (const extra of extras) {
    const [kind, amount] = extra.split(/\s+/);
    if (kind !== 'tax' && kind !== 'tip') throw new Error(`Unknown sale part "${extra}"`);
    sale[kind] = usd(cents(amount!));
  }
  if (lineTexts.length > 0) {
    sale.lines = lineTexts.map((lineText): SaleLineForEarn => {
      const match = /^(\d+) × (\S+)(?: \(([^)]+)\))? (\$[\d,.]+)( reward)?$/.exec(lineText);
      if (!match) throw new Error(`Cannot read the line "${lineText}"`);
      return {
        quantity: Number(match[1]),
        sku: match[2]!,
        category: match[3] ?? null,
        amount: cents(match[4]!),
        rewardId: match[5] ? 'reward' : null,
      };
    });
  }
  return sale;
}

const DAYS = {
  Mon: 'monday',
  Tue: 'tuesday',
  Wed: 'wednesday',
  Thu: 'thursday',
  Fri: 'friday',
  Sat: 'saturday',
  Sun: 'sunday',
};

/** "Tue 2026-03-03 23:30" on the store's wall clock → the instant. */
function parseWhen(text: string): Date {
  const match = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2})$/.exec(text);
  if (!match) throw new Error(`Cannot read the time "${text}"`);
  const midnight = firstInstantOf(match[2]!, TIME_ZONE);
  const at = new Date(midnight.getTime() + (Number(match[3]) * 60 + Number(match[4])) * 60_000);
  const clock = wallClock(at, TIME_ZONE);
  // The table's day name must be right too, and no row may fall in a daylight-saving jump.
  expect(clock.day).toBe(DAYS[match[1] as keyof typeof DAYS]);
  expect(clock.minuteOfDay).toBe(Number(match[3]) * 60 + Number(match[4]));
  return at;
}

function workedExamples() {
  const section = doc.slice(doc.indexOf('## Worked examples'));
  return section
    .split('\n')
    .filter((row) => row.startsWith('|') && !/^\|[\s|:-]+$/.test(row) && !/^\|\s*Program\s*\|/.test(row))
    .map((row) => {
      const cells = row
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      if (cells.length !== 6) throw new Error(`A worked example needs 6 cells: ${row}`);
      const [program, sale, when, tierPoints, points, reason] = cells as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      return { row, program, sale, when, tierPoints: Number(tierPoints), points: Number(points), reason };
    });
}

describe('docs/rules.md', () => {
  const programs = examplePrograms();
  const examples = workedExamples();

  it('has the three example programs, each a valid document', () => {
    expect([...programs.keys()]).toEqual(['cafe', 'shoes', 'chain']);
  });

  it('has worked examples for every program', () => {
    expect(examples.length).toBeGreaterThanOrEqual(15);
    expect(new Set(examples.map((example) => example.program))).toEqual(new Set(programs.keys()));
  });

  describe.each(examples)('$program: $sale at $when → $points ($reason)', (example) => {
    it('earns what the table says', () => {
      const program = programs.get(example.program);
      if (!program) throw new Error(`Unknown program "${example.program}" in: ${example.row}`);
      expect(Number.isSafeInteger(example.points)).toBe(true);
      const earning = earn(
        program,
        { tierPoints: example.tierPoints, tierId: null },
        parseSale(example.sale),
        { at: parseWhen(example.when), timeZone: TIME_ZONE },
      );
      expect(earning.points).toBe(example.points);
      expect(earning.lines.reduce((sum, line) => sum + line.points, 0)).toBe(earning.points);
    });
  });
});
