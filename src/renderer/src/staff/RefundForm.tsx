import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/ipc';
import { useKiosk } from '../app/kiosk-context';
import { currencyDigits } from '../format';
import { ErrorText, TextField, toMinorUnits, useBridgeCall, useFormat } from './common';

type Refund = ChannelOutput<'sale:refund'>;

/** Refund a receipt, whole or part; shows the points taken back and reward points given back. */
export function RefundForm({ onDone }: { onDone: () => Promise<void> }) {
  const { t } = useTranslation('staff');
  const { status } = useKiosk();
  const { busy, failure, reset, run } = useBridgeCall();
  const format = useFormat();
  const headingId = useId();
  const howId = useId();
  const currency = status?.store.currency ?? 'USD';
  const digits = currencyDigits(currency);
  const example = (12.5).toFixed(digits);
  const [receipt, setReceipt] = useState('');
  const [whole, setWhole] = useState(true);
  const [amount, setAmount] = useState('');
  const [errors, setErrors] = useState<{ receipt?: string; amount?: string }>({});
  const [result, setResult] = useState<Refund | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: typeof errors = {};
    if (receipt.trim() === '') found.receipt = t('refund.receiptRequired');
    const minor = whole ? null : toMinorUnits(amount, digits);
    if (!whole && minor === null) found.amount = t('refund.invalidAmount', { example });
    setErrors(found);
    reset();
    setResult(null);
    if (Object.keys(found).length > 0) return;
    const refunded = await run((bridge) =>
      bridge.refund({
        receiptId: receipt.trim(),
        amount: minor === null ? null : { amount: minor, currency },
      }),
    );
    if (!refunded) return;
    setResult(refunded);
    setAmount('');
    await onDone();
  }

  return (
    <form
      className="staff-card staff-form"
      aria-labelledby={headingId}
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <h2 id={headingId}>{t('refund.heading')}</h2>
      <TextField
        label={t('refund.receipt')}
        error={errors.receipt}
        maxLength={64}
        value={receipt}
        onChange={setReceipt}
      />
      <fieldset className="staff-choice">
        <legend id={howId}>{t('refund.how')}</legend>
        <label>
          <input type="radio" name="refund-how" checked={whole} onChange={() => setWhole(true)} />
          {t('refund.whole')}
        </label>
        <label>
          <input type="radio" name="refund-how" checked={!whole} onChange={() => setWhole(false)} />
          {t('refund.part')}
        </label>
      </fieldset>
      {!whole ? (
        <TextField
          label={t('refund.amount', { currency })}
          hint={t('refund.amountHint', { example })}
          error={errors.amount}
          inputMode="decimal"
          value={amount}
          onChange={setAmount}
        />
      ) : null}
      <ErrorText>{failure}</ErrorText>
      <div role="status" className="staff-status">
        {result ? (
          <>
            <p>
              {t('refund.done', {
                amount: format.money(result.refunded.amount, result.refunded.currency),
                receipt: result.receiptId,
              })}
            </p>
            <dl className="staff-figures">
              <div>
                <dt>{t('refund.pointsReversed')}</dt>
                <dd data-testid="points-reversed">{format.number(result.pointsReversed)}</dd>
              </div>
              <div>
                <dt>{t('refund.pointsRestored')}</dt>
                <dd data-testid="points-restored">{format.number(result.pointsRestored)}</dd>
              </div>
              <div>
                <dt>{t('refund.left')}</dt>
                <dd>{format.money(result.refundableLeft, result.refunded.currency)}</dd>
              </div>
              <div>
                <dt>{t('refund.balance')}</dt>
                <dd>{format.number(result.balance.provisional)}</dd>
              </div>
            </dl>
          </>
        ) : null}
      </div>
      <button type="submit" className="primary" disabled={busy}>
        {t('refund.submit')}
      </button>
    </form>
  );
}
