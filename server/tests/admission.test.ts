import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createAdmission } from '../src/http/admission';

/** A stand-in for a ServerResponse: 'close' when answered or when the client leaves. */
const response = () => new EventEmitter();
/** Longer than any test: nobody waits this long here. */
const LONG = 60_000;
const settled = async <T>(promise: Promise<T>): Promise<T | 'pending'> =>
  Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 20))]);

describe('push admission', () => {
  it('admits up to its limit at once; the rest wait and go in arrival order as places free', async () => {
    const counts: Array<[number, number]> = [];
    const admission = createAdmission(2, {
      maxWaitMs: LONG,
      onChange: (inProgress, waiting) => counts.push([inProgress, waiting]),
    });
    const [a, b, c, d] = [response(), response(), response(), response()];
    expect(await admission.enter(a)).toBe('admitted');
    expect(await admission.enter(b)).toBe('admitted');
    const cIn = admission.enter(c);
    const dIn = admission.enter(d);
    expect(await settled(cIn)).toBe('pending');
    expect(await settled(dIn)).toBe('pending');
    expect([admission.inProgress, admission.waiting]).toEqual([2, 2]);

    b.emit('close');
    expect(await settled(cIn)).toBe('admitted');
    expect(await settled(dIn)).toBe('pending');
    expect([admission.inProgress, admission.waiting]).toEqual([2, 1]);

    a.emit('close');
    expect(await settled(dIn)).toBe('admitted');
    c.emit('close');
    d.emit('close');
    expect([admission.inProgress, admission.waiting]).toEqual([0, 0]);
    expect(counts.at(-1)).toEqual([0, 0]);
    expect(Math.max(...counts.map(([inProgress]) => inProgress))).toBe(2);
  });

  it('a request whose client leaves while it waits gives up its turn and takes no place', async () => {
    const admission = createAdmission(1, { maxWaitMs: LONG });
    const [a, gone, next] = [response(), response(), response()];
    await admission.enter(a);
    const goneIn = admission.enter(gone);
    const nextIn = admission.enter(next);
    gone.emit('close');
    expect(await goneIn).toBe('gone');
    expect(admission.waiting).toBe(1);

    a.emit('close');
    expect(await settled(nextIn)).toBe('admitted');
    next.emit('close');
    expect([admission.inProgress, admission.waiting]).toEqual([0, 0]);
    // Its place is free again: a new request goes straight in.
    expect(await settled(admission.enter(response()))).toBe('admitted');
  });

  it('a place is given back once, however often the response says close', async () => {
    const admission = createAdmission(1, { maxWaitMs: LONG });
    const a = response();
    await admission.enter(a);
    const b = response();
    const bIn = admission.enter(b);
    a.emit('close');
    a.emit('close');
    expect(await bIn).toBe('admitted');
    expect(admission.inProgress).toBe(1);
    expect(await settled(admission.enter(response()))).toBe('pending');
  });

  it('a request that waits longer than maxWaitMs is let go as expired; it takes no place', async () => {
    const admission = createAdmission(1, { maxWaitMs: 50 });
    const [a, late, next] = [response(), response(), response()];
    await admission.enter(a);
    const lateIn = admission.enter(late);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const nextIn = admission.enter(next);
    expect(await lateIn).toBe('expired');
    expect([admission.inProgress, admission.waiting]).toEqual([1, 1]);
    // Its 'close' (the busy answer sent) changes nothing.
    late.emit('close');
    expect([admission.inProgress, admission.waiting]).toEqual([1, 1]);

    a.emit('close');
    expect(await settled(nextIn)).toBe('admitted');
    next.emit('close');
    expect([admission.inProgress, admission.waiting]).toEqual([0, 0]);
  });

  it('refuses a limit that would admit nothing', () => {
    expect(() => createAdmission(0, { maxWaitMs: LONG })).toThrow(/positive integer/);
    expect(() => createAdmission(1, { maxWaitMs: 0 })).toThrow(/wait must be positive/);
  });
});
