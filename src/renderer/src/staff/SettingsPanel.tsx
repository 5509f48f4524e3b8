import { PairingForm } from './PairingForm';
import { DisplayForm } from './DisplayForm';
import { PosLinkForm } from './PosLinkForm';
import { StoreForm } from './StoreForm';

/** The manager's settings: server pairing, the store, how the screens look, and the POS link. */
export function SettingsPanel() {
  return (
    <div className="staff-stack">
      <PairingForm />
      <StoreForm />
      <DisplayForm />
      <PosLinkForm />
    </div>
  );
}
