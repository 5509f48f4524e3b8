import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput, SyncStatusView } from '../../../shared/ipc';
import { useKiosk } from '../app/kiosk-context';
import { ErrorText, StatusText, useBridgeCall, useFormat, useStaffFailureText } from './common';

type Flags = ChannelOutput<'flags:list'>;

/** "Sync now", the sync engine's state in plain words, and the server's flags. */
export function SyncPanel() {
  const { t } = useTranslation('staff');
  const { bridge, status, refreshStatus } = useKiosk();
  const failureText = useStaffFailureText();
  const format = useFormat();
  const { busy, failure, setFailure, done, setDone, run } = useBridgeCall();
  const [flags, setFlags] = useState<Flags | null>(null);
  const [synced, setSynced] = useState<SyncStatusView | null>(null);

  const loadFlags = useCallback(async () => {
    if (!bridge) return;
    const answer = await bridge.serverFlags();
    if (answer.ok) setFlags(answer.value);
    else setFailure(failureText(answer));
  }, [bridge, failureText, setFailure]);

  useEffect(() => {
    const first = setTimeout(() => void loadFlags(), 0);
    return () => clearTimeout(first);
  }, [loadFlags]);

  async function syncNow() {
    const view = await run((bridge) => bridge.syncNow());
    if (!view) return;
    setSynced(view);
    setDone(t('sync.done', { note: view.note }));
    await Promise.all([refreshStatus(), loadFlags()]);
  }

  const sync = status?.sync ?? synced;
  const skew = sync?.clockSkewMs ?? null;
  const seconds = skew === null ? 0 : Math.round(Math.abs(skew) / 1000);
  const clock =
    skew === null
      ? t('sync.clockUnknown')
      : seconds < 2
        ? t('sync.clockInStep')
        : skew > 0
          ? t('sync.clockAhead', { seconds })
          : t('sync.clockBehind', { seconds });

  return (
    <div className="staff-stack">
      <section className="staff-card" aria-labelledby="sync-heading">
        <h2 id="sync-heading">{t('sync.heading')}</h2>
        {sync ? (
          <dl className="staff-facts">
            <div>
              <dt>{t('sync.state')}</dt>
              <dd>{sync.note}</dd>
            </div>
            <div>
              <dt>{t('sync.lastSync')}</dt>
              <dd>{sync.lastSuccessAt ? format.dateTime(sync.lastSuccessAt) : t('never')}</dd>
            </div>
            <div>
              <dt>{t('sync.pending')}</dt>
              <dd>{format.number(sync.pendingEvents)}</dd>
            </div>
            <div>
              <dt>{t('sync.clock')}</dt>
              <dd>
                {clock}
                {sync.clockSkewFlagged ? (
                  <span className="staff-warning"> {t('sync.clockFlagged')}</span>
                ) : null}
              </dd>
            </div>
            <div>
              <dt>{t('sync.lastError')}</dt>
              <dd>
                {sync.lastError
                  ? sync.lastErrorAt
                    ? t('sync.errorAt', { error: sync.lastError, time: format.dateTime(sync.lastErrorAt) })
                    : sync.lastError
                  : t('none')}
              </dd>
            </div>
            {sync.pairingProblem ? (
              <div>
                <dt>{t('sync.pairingProblem')}</dt>
                <dd className="staff-warning">{sync.pairingProblem}</dd>
              </div>
            ) : null}
            {sync.unsyncedDayCloses.length > 0 ? (
              <div>
                <dt>{t('sync.unsyncedCloses')}</dt>
                <dd>{sync.unsyncedDayCloses.join(', ')}</dd>
              </div>
            ) : null}
          </dl>
        ) : null}
        <button type="button" className="primary" disabled={busy} onClick={() => void syncNow()}>
          {t('sync.syncNow')}
        </button>
        <ErrorText>{failure}</ErrorText>
        <StatusText>{done}</StatusText>
      </section>

      <section className="staff-card" aria-labelledby="flags-heading">
        <h2 id="flags-heading">{t('sync.flags')}</h2>
        {flags?.source === 'unavailable' ? <p>{flags.message}</p> : null}
        {flags?.source === 'server' && flags.flags.length === 0 ? <p>{t('sync.flagsEmpty')}</p> : null}
        {flags && flags.flags.length > 0 ? (
          <ul className="staff-list">
            {flags.flags.map((flag) => (
              <li key={flag.id} className="staff-flag">
                <strong>{t(`sync.flagKinds.${flag.kind}`, { defaultValue: flag.kind })}</strong>
                {flag.maskedPhone ? (
                  <span> — {t('sync.flagCustomer', { phone: flag.maskedPhone })}</span>
                ) : null}
                <p>{flag.detail}</p>
                <p className="staff-hint">{t('sync.flagRaised', { time: format.dateTime(flag.raisedAt) })}</p>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </div>
  );
}
