import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput, StaffSession } from '../../../shared/ipc';
import { AdjustPoints } from './AdjustPoints';
import { CustomerHistory } from './CustomerHistory';
import { ErrorText, TextField, useBridgeCall, useFormat } from './common';
import { RefundForm } from './RefundForm';
import { RewardList } from './RewardList';

type Lookup = ChannelOutput<'customer:lookup'>;

/** Find a customer by phone: balances, rewards, history; refunds by receipt below. */
export function CustomersPanel({ session }: { session: StaffSession }) {
  const { t } = useTranslation('staff');
  const { busy, failure, run } = useBridgeCall();
  const format = useFormat();
  const [phone, setPhone] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [customer, setCustomer] = useState<Lookup | null>(null);
  const [version, setVersion] = useState(0);

  async function lookUp(number: string) {
    const found = await run((bridge) => bridge.lookupCustomer({ phone: number }));
    setCustomer(found);
    if (found) setVersion((v) => v + 1);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (phone.trim() === '') {
      setFieldError(t('customers.phoneRequired'));
      return;
    }
    setFieldError(null);
    void lookUp(phone.trim());
  }

  const refresh = () => (customer ? lookUp(customer.phone) : Promise.resolve());

  return (
    <div className="staff-stack">
      <form className="staff-card staff-inline-form" onSubmit={submit} noValidate>
        <h2>{t('customers.heading')}</h2>
        <div className="staff-row">
          <TextField
            label={t('customers.phone')}
            error={fieldError}
            type="tel"
            maxLength={64}
            value={phone}
            onChange={setPhone}
          />
          <button type="submit" className="primary" disabled={busy}>
            {t('customers.find')}
          </button>
        </div>
        <ErrorText>{failure}</ErrorText>
      </form>

      {customer ? (
        <section className="staff-card" aria-labelledby="customer-found">
          <h2 id="customer-found">{t('customers.found', { phone: customer.phone })}</h2>
          {!customer.enrolled ? (
            <p>{t('customers.notEnrolled')}</p>
          ) : (
            <>
              {customer.maskedName ? <p>{t('customers.name', { initial: customer.maskedName })}</p> : null}
              <dl className="staff-figures">
                <div>
                  <dt>{t('customers.confirmed')}</dt>
                  <dd>{format.number(customer.confirmed)}</dd>
                </div>
                <div>
                  <dt>{t('customers.provisional')}</dt>
                  <dd>{format.number(customer.provisional)}</dd>
                </div>
              </dl>
              <p className="staff-hint">
                {t('customers.balanceHelp')}{' '}
                {customer.source === 'server' ? t('customers.sourceServer') : t('customers.sourceLocal')}
              </p>
              {customer.overdrawn ? <p className="staff-warning">{t('customers.overdrawn')}</p> : null}
            </>
          )}
        </section>
      ) : null}

      {customer?.enrolled ? (
        <>
          <RewardList phone={customer.phone} provisional={customer.provisional} onDone={refresh} />
          {session.role === 'manager' ? <AdjustPoints phone={customer.phone} onDone={refresh} /> : null}
          <CustomerHistory key={`${customer.phone}-${version}`} phone={customer.phone} />
        </>
      ) : null}

      <RefundForm onDone={refresh} />
    </div>
  );
}
