import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useKiosk } from '../app/kiosk-context';
import { ErrorText, StatusText, TextField, useBridgeCall } from './common';

/**
 * The program's rewards: "Redeem" is enabled only where the provisional balance covers the cost.
 * Offline, the per-customer cap on redemptions is explained.
 */
export function RewardList({
  phone,
  provisional,
  onDone,
}: {
  phone: string;
  provisional: number;
  onDone: () => Promise<void>;
}) {
  const { t } = useTranslation('staff');
  const { status } = useKiosk();
  const { busy, failure, done, setDone, run } = useBridgeCall();
  const [receipt, setReceipt] = useState('');
  const headingId = useId();
  const rewards = status?.program.rewards ?? [];
  const offline = status ? !status.sync.online : false;

  async function redeem(rewardId: string) {
    const redeemed = await run((bridge) =>
      bridge.redeem({ phone, rewardId, receiptId: receipt.trim() === '' ? null : receipt.trim() }),
    );
    if (!redeemed) return;
    setDone(
      t('redeem.done', {
        reward: redeemed.reward.name,
        points: redeemed.pointsSpent,
        balance: redeemed.balance.provisional,
      }),
    );
    setReceipt('');
    await onDone();
  }

  return (
    <section className="staff-card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('redeem.heading')}</h2>
      {offline && status ? (
        <p className="staff-warning">
          {t('redeem.offlineCap', { cap: status.program.offlineRedemptionCap })}
        </p>
      ) : null}
      {rewards.length === 0 ? <p>{t('redeem.none')}</p> : null}
      {rewards.length > 0 ? (
        <TextField
          label={t('redeem.receipt')}
          hint={t('redeem.receiptHint')}
          maxLength={64}
          value={receipt}
          onChange={setReceipt}
        />
      ) : null}
      <ul className="staff-list">
        {rewards.map((reward) => {
          const affordable = provisional >= reward.pointsCost;
          const describedBy = `${headingId}-${reward.id}`;
          return (
            <li key={reward.id} className="staff-list-row">
              <p id={describedBy}>
                <strong>{reward.name}</strong> — {t('redeem.cost', { count: reward.pointsCost })}
                {affordable ? null : <span className="staff-hint"> {t('redeem.notEnough')}</span>}
              </p>
              <button
                type="button"
                className="primary"
                disabled={!affordable || busy}
                aria-describedby={describedBy}
                onClick={() => void redeem(reward.id)}
              >
                {t('redeem.redeem')}
              </button>
            </li>
          );
        })}
      </ul>
      <ErrorText>{failure}</ErrorText>
      <StatusText>{done}</StatusText>
    </section>
  );
}
