import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { IpcFailure } from '../../../shared/ipc';

/**
 * A refusal from the kiosk in the screen's language: the catalog's text for its code when there is
 * one, else the kiosk's own message (plain English written for people, never a stack trace).
 */
export function useFailureText(): (failure: Pick<IpcFailure, 'code' | 'message'>) => string {
  const { t } = useTranslation('common');
  return useCallback((failure) => t(`codes.${failure.code}`, { defaultValue: failure.message }), [t]);
}
