import type { DayTotals } from '../ledger/ledger';
import type { ZReport } from '../sync';

/**
 * The day's report as CSV for a spreadsheet: one `section,field,value` row per fact (the day's
 * totals, its check-ins hour by hour, and the Z-report once the day is closed). Every text cell
 * that a spreadsheet could read as a formula (=, +, -, @, tab, carriage return first) is prefixed
 * with a quote; plain numbers stay numbers.
 */

export const DAY_CSV_HEADER = ['section', 'field', 'value'] as const;

export function dayCsvFileName(businessDay: string): string {
  return `z-report-${businessDay}.csv`;
}

/** One cell, safe from formula injection and quoted as RFC 4180 asks. */
export function csvCell(value: string | number | boolean | null): string {
  let text = value === null ? '' : String(value);
  if (!/^-?\d+(\.\d+)?$/.test(text) && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function dayReportCsv(report: {
  totals: DayTotals;
  hourlyCheckIns: readonly number[];
  zReport: ZReport | null;
}): string {
  const rows: (string | number | boolean | null)[][] = [[...DAY_CSV_HEADER]];
  const { totals, hourlyCheckIns, zReport } = report;
  for (const [field, value] of Object.entries(totals)) rows.push(['totals', field, value]);
  hourlyCheckIns.forEach((count, hour) => {
    const from = String(hour).padStart(2, '0');
    rows.push(['check-ins by hour', `${from}:00-${from}:59`, count]);
  });
  if (zReport) {
    rows.push(
      ['z-report', 'closedAt', zReport.closedAt],
      ['z-report', 'deviceId', zReport.deviceId],
      ['z-report', 'closeEventId', zReport.closeEventId],
      ['z-report', 'synced', zReport.synced],
      ['z-report', 'matches', zReport.matches],
      ['z-report', 'checkedAt', zReport.checkedAt],
      ['z-report', 'restoredToServer', zReport.restoredToServer],
      ['z-report', 'overdrawnCustomers', zReport.overdrawnCustomers],
      ['z-report', 'refusedEvents', zReport.refusedEvents.length],
      ['z-report', 'checksum', zReport.checksum],
      ['z-report', 'message', zReport.message],
    );
    for (const [field, value] of Object.entries(zReport.till)) rows.push(['z-report till', field, value]);
    if (zReport.server) {
      for (const [field, value] of Object.entries(zReport.server))
        rows.push(['z-report server', field, value]);
    }
    for (const difference of zReport.differences) {
      rows.push([
        'z-report difference',
        difference.field,
        `till ${difference.till}, server ${difference.server}`,
      ]);
    }
  }
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
