import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installBrowserBridge } from './kiosk-bridge';
import './styles.css';

// In the browser host, window.kiosk comes from this shim; in Electron, from the preload.
installBrowserBridge();

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element to render the kiosk into.');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
