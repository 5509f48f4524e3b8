import { describe, expect, it } from 'vitest';
import { csvCell, dayCsvFileName, dayReportCsv } from '../../../src/main/reports/day-csv';
import type { ZReport } from '../../../src/main/sync';

const TOTALS = {
  businessDay: '2026-11-23',
  checkIns: 3,
  enrolments: 1,
  pointsEarned: 42,
  pointsRedeemed: 0,
  pointsReversed: 0,
  pointsRestored: 0,
  pointsAdjusted: -20,
  eventCount: 5,
  unsyncedEvents: 0,
};
const HOURS = Array.from({ length: 24 }, (_, hour) => (hour === 9 ? 2 : hour === 14 ? 1 : 0));

describe('CSV cells', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+1+cmd|calc', "'+1+cmd|calc"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
    ['plain, with comma', '"plain, with comma"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
  ])('%j is written %j, never as a formula', (value, written) => {
    expect(csvCell(value)).toBe(written);
  });

  it('keeps numbers numbers, negatives too, and empties empty', () => {
    expect(csvCell(-20)).toBe('-20');
    expect(csvCell('-20')).toBe('-20');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
  });
});

describe("the day's CSV", () => {
  it('has a header row, the totals and 24 hours; no Z-report while the day is open', () => {
    const csv = dayReportCsv({ totals: TOTALS, hourlyCheckIns: HOURS, zReport: null });
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('section,field,value');
    expect(lines).toContain('totals,checkIns,3');
    expect(lines).toContain('totals,pointsAdjusted,-20');
    expect(lines).toContain('check-ins by hour,09:00-09:59,2');
    expect(lines.filter((line) => line.startsWith('check-ins by hour,'))).toHaveLength(24);
    expect(csv).not.toContain('z-report');
    expect(dayCsvFileName('2026-11-23')).toBe('z-report-2026-11-23.csv');
  });

  it("adds the Z-report's fields once the day is closed, each text guarded", () => {
    const zReport: ZReport = {
      businessDay: '2026-11-23',
      deviceId: '0191c1d2-0000-7000-8000-000000000001',
      closedAt: '2026-11-23T23:00:00.000Z',
      closeEventId: '0191c1d2-0000-7000-8000-000000000002',
      till: { ...TOTALS, unsyncedEvents: undefined } as unknown as ZReport['till'],
      server: null,
      matches: null,
      differences: [],
      refusedEvents: [],
      restoredToServer: 0,
      checksum: 'ab'.repeat(32),
      synced: false,
      checkedAt: null,
      overdrawnCustomers: 0,
      message: '=cmd|"/c calc"!A1 closed on this till only',
    };
    const csv = dayReportCsv({ totals: TOTALS, hourlyCheckIns: HOURS, zReport });
    expect(csv).toContain('z-report,closeEventId,0191c1d2-0000-7000-8000-000000000002\r\n');
    expect(csv).toContain('z-report,synced,false\r\n');
    expect(csv).toContain('z-report till,checkIns,3\r\n');
    expect(csv).toContain(`z-report,message,"'=cmd|""/c calc""!A1 closed on this till only"\r\n`);
    for (const line of csv.trimEnd().split('\r\n')) {
      const cells = line.split(',');
      for (const cell of cells) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+@\t\r]/);
    }
  });
});
