import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createI18n, localeFromUrl } from './i18n';
import { installBrowserBridge } from './kiosk-bridge';
import './styles.css';

// In the browser host, window.kiosk comes from this shim; in Electron, from the preload.
installBrowserBridge();

// A kiosk, not a web page: no context menu (long-press on a touch screen opens it too).
window.addEventListener('contextmenu', (event) => event.preventDefault());

const forcedLocale = localeFromUrl(window.location.search);
const i18n = createI18n(forcedLocale ?? 'en');

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element to render the kiosk into.');

createRoot(root).render(
  <StrictMode>
    <App bridge={window.kiosk ?? null} i18n={i18n} forcedLocale={forcedLocale} />
  </StrictMode>,
);
