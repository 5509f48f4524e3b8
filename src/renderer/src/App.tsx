import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { i18n as I18n } from 'i18next';
import type { KioskBridge } from '../../shared/ipc';
import { applyBrand } from './app/brand';
import { ErrorBoundary } from './app/ErrorBoundary';
import { ErrorScreen } from './app/ErrorScreen';
import { KioskProvider, useKiosk } from './app/kiosk-context';
import { SyncIndicator } from './app/SyncIndicator';
import { CustomerScreen } from './customer/CustomerScreen';
import { applyLocale, type ScreenLocale } from './i18n';

// The staff screens load on first use: customers never wait for them at start-up.
const StaffArea = lazy(() => import('./staff/StaffArea').then((module) => ({ default: module.StaffArea })));

/**
 * The kiosk's screens: the customer's check-in (where it idles) and, behind "Staff" and a PIN,
 * the cashier's and the manager's. The manager's settings choose the language and the brand;
 * `forcedLocale` (the page's `?locale=`) overrides the language for layout tests.
 */
export function App({
  bridge,
  i18n,
  forcedLocale,
}: {
  bridge: KioskBridge | null;
  i18n: I18n;
  forcedLocale: ScreenLocale | null;
}) {
  return (
    <KioskProvider bridge={bridge}>
      <ErrorBoundary>
        <Screens i18n={i18n} forcedLocale={forcedLocale} />
      </ErrorBoundary>
    </KioskProvider>
  );
}

function Screens({ i18n, forcedLocale }: { i18n: I18n; forcedLocale: ScreenLocale | null }) {
  const { t } = useTranslation();
  const { bridge, status, statusError } = useKiosk();
  const [area, setArea] = useState<'customer' | 'staff'>('customer');
  const display = status?.display;

  useEffect(() => {
    applyLocale(i18n, forcedLocale ?? display?.language ?? 'en');
  }, [i18n, forcedLocale, display?.language]);

  useEffect(() => {
    if (display) applyBrand(display.brandColour);
  }, [display]);

  useEffect(() => {
    document.title = t('appTitle');
  }, [t]);

  if (bridge && !status && statusError) return <ErrorScreen detail={t('error.noService')} />;

  return (
    <div className="kiosk-frame">
      <header className="kiosk-header">
        {display?.logo ? <img className="brand-logo" src={display.logo} alt="" /> : <span />}
        <SyncIndicator />
      </header>
      {area === 'customer' ? (
        <CustomerScreen onStaff={() => setArea('staff')} />
      ) : (
        <Suspense fallback={<p className="loading">{t('loading')}</p>}>
          <StaffArea onExit={() => setArea('customer')} />
        </Suspense>
      )}
    </div>
  );
}
