import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffState } from '../../../shared/ipc';
import { useKiosk } from '../app/kiosk-context';
import { ErrorText, useStaffFailureText } from './common';
import { PinPad } from './PinPad';
import { SetupManager } from './SetupManager';
import { StaffHome } from './StaffHome';
import { STAFF_IDLE_MS, useIdle } from './use-idle';
import './staff.css';

const SESSION_POLL_MS = 10_000;

/**
 * Behind "Staff": setting the first manager PIN, the PIN pad, then the cashier's or the manager's
 * screens. "Back" returns to the customer screen at any time (signing out); 2 minutes without
 * input do the same.
 */
export function StaffArea({ onExit }: { onExit: () => void }) {
  const { t } = useTranslation('staff');
  const { bridge } = useKiosk();
  const failureText = useStaffFailureText();
  const [state, setState] = useState<StaffState | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!bridge) return;
    let live = true;
    void bridge.staffState().then((answer) => {
      if (!live) return;
      if (answer.ok) setState(answer.value);
      else setError(failureText(answer));
    });
    return () => {
      live = false;
    };
  }, [bridge, failureText]);

  // Main ends a session 2 minutes after its last staff call, whatever the screen shows: when it
  // has, the screen goes back to the PIN pad and says why, rather than refusing every action.
  const signedIn = Boolean(state?.session);
  useEffect(() => {
    if (!bridge || !signedIn) return;
    const timer = setInterval(() => {
      void bridge.staffState().then((answer) => {
        if (answer.ok && !answer.value.session) {
          setState(answer.value);
          setError(t('sessionEnded'));
        }
      });
    }, SESSION_POLL_MS);
    return () => clearInterval(timer);
  }, [bridge, signedIn, t]);

  const leave = useCallback(async () => {
    if (bridge && state?.session) await bridge.staffSignOut();
    onExit();
  }, [bridge, state?.session, onExit]);

  useIdle(STAFF_IDLE_MS, () => void leave());

  const session = state?.session ?? null;

  return (
    <main className="staff" aria-labelledby="staff-title">
      <div className="staff-bar">
        <h1 id="staff-title">{t('title')}</h1>
        {session ? (
          <p className="staff-who">
            {t('signedInAs', { name: session.name, role: t(`roles.${session.role}`) })}
          </p>
        ) : null}
        <div className="staff-bar-actions">
          {session ? (
            <button type="button" onClick={() => void leave()}>
              {t('signOut')}
            </button>
          ) : null}
          <button type="button" onClick={() => void leave()}>
            {t('back')}
          </button>
        </div>
      </div>
      <ErrorText>{error}</ErrorText>
      {!state ? (
        <p>{t('working')}</p>
      ) : !state.managerPinSet ? (
        <SetupManager onState={setState} />
      ) : !session ? (
        <PinPad
          state={state}
          onState={(next) => {
            if (next.session) setError(null);
            setState(next);
          }}
        />
      ) : (
        <StaffHome session={session} />
      )}
      <p className="staff-hint staff-idle">{t('idleNote')}</p>
    </main>
  );
}
