import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffSession } from '../../../shared/ipc';
import { CloseDayPanel } from './CloseDayPanel';
import { CustomersPanel } from './CustomersPanel';
import { PeoplePanel } from './PeoplePanel';
import { SettingsPanel } from './SettingsPanel';
import { SyncPanel } from './SyncPanel';
import { TodayPanel } from './TodayPanel';

const CASHIER_TABS = ['customers', 'today'] as const;
const MANAGER_TABS = ['customers', 'today', 'closeDay', 'sync', 'settings', 'staff'] as const;
type Tab = (typeof MANAGER_TABS)[number];

/** The signed-in screens as tabs: a cashier's two, a manager's six. Arrow keys move between tabs. */
export function StaffHome({ session }: { session: StaffSession }) {
  const { t } = useTranslation('staff');
  const tabs: readonly Tab[] = session.role === 'manager' ? MANAGER_TABS : CASHIER_TABS;
  const [active, setActive] = useState<Tab>('customers');
  const buttons = useRef(new Map<Tab, HTMLButtonElement>());

  // Just signed in: focus the first tab, so a keyboard user starts where the screens do.
  useEffect(() => {
    buttons.current.get('customers')?.focus();
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    const index = tabs.indexOf(active);
    const rtl = document.documentElement.dir === 'rtl';
    let next: number | null = null;
    if (event.key === (rtl ? 'ArrowLeft' : 'ArrowRight')) next = (index + 1) % tabs.length;
    else if (event.key === (rtl ? 'ArrowRight' : 'ArrowLeft')) next = (index - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    if (next === null) return;
    event.preventDefault();
    const tab = tabs[next] as Tab;
    setActive(tab);
    buttons.current.get(tab)?.focus();
  }

  return (
    <div className="staff-home">
      <div className="staff-tabs" role="tablist" aria-label={t('tabs.label')}>
        {tabs.map((tab) => (
          <button
            key={tab}
            ref={(element) => {
              if (element) buttons.current.set(tab, element);
              else buttons.current.delete(tab);
            }}
            type="button"
            role="tab"
            id={`staff-tab-${tab}`}
            aria-selected={tab === active}
            aria-controls="staff-panel"
            tabIndex={tab === active ? 0 : -1}
            onClick={() => setActive(tab)}
            onKeyDown={onKeyDown}
          >
            {t(`tabs.${tab}`)}
          </button>
        ))}
      </div>
      <section
        className="staff-panel"
        role="tabpanel"
        id="staff-panel"
        aria-labelledby={`staff-tab-${active}`}
      >
        {active === 'customers' ? <CustomersPanel session={session} /> : null}
        {active === 'today' ? <TodayPanel /> : null}
        {active === 'closeDay' ? <CloseDayPanel /> : null}
        {active === 'sync' ? <SyncPanel /> : null}
        {active === 'settings' ? <SettingsPanel /> : null}
        {active === 'staff' ? <PeoplePanel session={session} /> : null}
      </section>
    </div>
  );
}
