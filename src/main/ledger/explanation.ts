import { z } from 'zod';
import type { Db } from '../db/connection';
import {
  ExplanationLineSchema,
  explanationOf,
  type ExplanationLine,
  type LedgerEventOf,
} from '../../shared/events';
import { ProgramSchema, type Program } from '../../shared/program';
import { earn, type TierStanding } from '../../shared/rules';
import { saleOfEarned } from '../../shared/rules/basis';
import { sectionsOf } from '../../shared/rules/schema';

/**
 * The rules engine's explanation of a check-in ("why these points"), for the cashier's screens.
 *
 * A points.earned event keeps it in its body only where it cannot be worked out again. What the
 * engine (earn.ts) explains from is the program, the sale, the moment in the store's time zone,
 * and the customer's tier standing. The event keeps the sale (total, tax, tip, lines) and the
 * moment (occurredAt), its ruleVersion names the program version (the programs table keeps every
 * one, never changed once stored) and store_time_zones the zone at each event (migration 0007).
 * Nothing else about the customer enters the engine: check-in limits only allow or refuse, and
 * there is no first-visit, birthday or streak rule. The tier standing does, though: the tier line
 * states the customer's points in the window at that moment, which no event keeps. So a program
 * with tiers keeps the explanation on the event, and any other has it recomputed on read, exactly
 * as it was computed at the till.
 *
 * Recomputing uses the rules engine of the software reading it: if an update ever changed the
 * engine's wording, an old check-in reads in the new wording; if it changed the points, the lines
 * would no longer add up to what the event earned, and no explanation is shown rather than a wrong
 * one. Reading never throws: an event, program version or zone that cannot be read gives none.
 */

/** Does a points.earned event of this program keep its explanation in its body? */
export function keepsExplanation(program: Program): boolean {
  return sectionsOf(program).tiers.levels.length > 0;
}

/** A program without tiers earns the same whatever the customer's standing; this one says so. */
const NO_TIER: TierStanding = { tierPoints: 0, tierId: null };

const StoredExplanationSchema = z.array(ExplanationLineSchema);

/** An event's kept explanation, as stored; null if it does not parse (never throws). */
export function storedExplanation(value: unknown): ExplanationLine[] | null {
  const parsed = StoredExplanationSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * The explanation checkIn would have kept on this event (explanationOf of the engine's lines),
 * computed again from the event, the program version it names and the store's time zone then.
 * Null when the program keeps explanations on its events, when the engine explains nothing, or
 * when the lines would not add up to the event's points.
 */
export function recomputedExplanation(
  program: Program,
  event: LedgerEventOf<'points.earned'>,
  timeZone: string,
): ExplanationLine[] | null {
  if (keepsExplanation(program)) return null;
  const { payload } = event;
  // The sale as checkIn had it, from what the event kept of it (as the server's rule check does).
  const sale = saleOfEarned(payload);
  const earning = earn(program, NO_TIER, sale, { at: new Date(event.occurredAt), timeZone });
  if (earning.points !== payload.points || earning.lines.length === 0) return null;
  return storedExplanation(explanationOf(earning.lines));
}

/**
 * Reads explanations of points.earned events: the kept one when the event has it, else recomputed.
 * `reading()` starts one read (a list of events): program versions are parsed once in it, and the
 * zone history is read once.
 */
export function createExplanationReader(db: Db) {
  const programBody = db.prepare('SELECT body FROM programs WHERE version = ?').pluck();
  const timeZones = db.prepare(
    'SELECT from_seq AS fromSeq, time_zone AS timeZone FROM store_time_zones ORDER BY from_seq',
  );

  return function reading() {
    const programs = new Map<number, Program | null>();
    let zones: { fromSeq: number; timeZone: string }[] | null = null;

    function programOf(version: number): Program | null {
      let program = programs.get(version);
      if (program === undefined) {
        const body = programBody.get(version) as string | undefined;
        let parsed: Program | null = null;
        try {
          const result = body === undefined ? null : ProgramSchema.safeParse(JSON.parse(body));
          parsed = result?.success ? result.data : null;
        } catch {
          parsed = null;
        }
        program = parsed;
        programs.set(version, program);
      }
      return program;
    }

    /** The store's zone at this event; null before the zones were kept (the event kept its own). */
    function timeZoneAt(seq: number): string | null {
      zones ??= timeZones.all() as { fromSeq: number; timeZone: string }[];
      let found: string | null = null;
      for (const zone of zones) {
        if (zone.fromSeq > seq) break;
        found = zone.timeZone;
      }
      return found;
    }

    /** The explanation of one points.earned event, or null (none kept and none to recompute). */
    return function explanationOfEvent(event: LedgerEventOf<'points.earned'>): ExplanationLine[] | null {
      if (event.payload.explanation !== undefined) return event.payload.explanation;
      try {
        const timeZone = timeZoneAt(event.seq);
        const program = timeZone === null ? null : programOf(event.ruleVersion);
        return program === null || timeZone === null ? null : recomputedExplanation(program, event, timeZone);
      } catch {
        return null;
      }
    };
  };
}
