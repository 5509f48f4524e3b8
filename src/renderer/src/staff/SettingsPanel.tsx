import { PairingForm } from './PairingForm';
import { DisplayForm } from './DisplayForm';
import { StoreForm } from './StoreForm';

/** The manager's settings: server pairing, the store, and how the screens look. */
export function SettingsPanel() {
  return (
    <div className="staff-stack">
      <PairingForm />
      <StoreForm />
      <DisplayForm />
    </div>
  );
}
