import { useTranslation } from 'react-i18next';

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/**
 * The on-screen digits. A press keeps the focus where it was (the phone field), so the physical
 * keyboard and the screen can be mixed; each button is still reachable and usable by keyboard.
 */
export function Keypad({
  onDigit,
  onDelete,
  busy,
}: {
  onDigit: (digit: string) => void;
  onDelete: () => void;
  /** A check-in is under way: presses are ignored (not disabled, which would drop the focus). */
  busy: boolean;
}) {
  const { t } = useTranslation('customer');
  const keepFocus = (event: React.PointerEvent | React.MouseEvent) => event.preventDefault();
  return (
    // Digits keep the telephone order in a right-to-left language too.
    <div className="keypad" role="group" aria-label={t('keypad.keypadLabel')} dir="ltr">
      {DIGITS.map((digit) => (
        <button
          key={digit}
          type="button"
          className="keypad-key"
          onMouseDown={keepFocus}
          onClick={() => busy || onDigit(digit)}
        >
          {digit}
        </button>
      ))}
      <button
        type="button"
        className="keypad-key keypad-zero"
        onMouseDown={keepFocus}
        onClick={() => busy || onDigit('0')}
      >
        0
      </button>
      <button
        type="button"
        className="keypad-key keypad-delete"
        onMouseDown={keepFocus}
        onClick={() => busy || onDelete()}
      >
        {t('keypad.delete')}
      </button>
    </div>
  );
}
