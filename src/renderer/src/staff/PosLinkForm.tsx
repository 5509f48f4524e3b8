import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useKiosk } from '../app/kiosk-context';
import { ErrorText, useBridgeCall } from './common';

/**
 * The POS link for the manager: where the till's POS reaches the kiosk, and the token it needs.
 * The whole token is shown only on request, and hidden again when the manager leaves the screen.
 */
export function PosLinkForm() {
  const { t } = useTranslation('staff');
  const { status } = useKiosk();
  const { failure, run } = useBridgeCall();
  const [token, setToken] = useState<string | null>(null);
  const pos = status?.pos;

  async function show() {
    const shown = await run((bridge) => bridge.posToken());
    if (shown) setToken(shown.token);
  }

  return (
    <section className="staff-card" aria-labelledby="pos-link-heading">
      <h2 id="pos-link-heading">{t('settings.posHeading')}</h2>
      {!pos?.enabled ? (
        <p>{t('settings.posOff')}</p>
      ) : pos.error ? (
        <p className="staff-warning">{t('settings.posError', { error: pos.error })}</p>
      ) : (
        <>
          <p>{t('settings.posAddress', { url: pos.url ?? '' })}</p>
          <p>
            {pos.tokenSource === 'environment'
              ? t('settings.posTokenFromEnvironment')
              : t('settings.posTokenFromFile', { file: pos.tokenFile ?? '' })}
          </p>
          {token === null ? (
            <button type="button" onClick={() => void show()}>
              {t('settings.posShowToken', { hint: (pos.tokenHint ?? '').replace(/^…/, '') })}
            </button>
          ) : (
            <div className="staff-field">
              <label htmlFor="pos-token">{t('settings.posToken')}</label>
              <input id="pos-token" readOnly value={token} spellCheck={false} dir="ltr" />
              <button type="button" onClick={() => setToken(null)}>
                {t('settings.posHideToken')}
              </button>
            </div>
          )}
          <p className="staff-hint">{t('settings.posGuide')}</p>
        </>
      )}
      <ErrorText>{failure}</ErrorText>
    </section>
  );
}
