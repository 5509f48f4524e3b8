import { useTranslation } from 'react-i18next';

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/**
 * The on-screen digits. A press keeps the focus where it was (the phone field), so the physical
 * keyboard and the screen can be mixed; each button is still reachable and usable by keyboard.
 */
export function Keypad({
  onDigit,
  onDelete,
  disabled,
}: {
  onDigit: (digit: string) => void;
  onDelete: () => void;
  disabled: boolean;
}) {
  const { t } = useTranslation('customer');
  const keepFocus = (event: React.PointerEvent | React.MouseEvent) => event.preventDefault();
  return (
    <div className="keypad" role="group" aria-label={t('keypad.keypadLabel')}>
      {DIGITS.map((digit) => (
        <button
          key={digit}
          type="button"
          className="keypad-key"
          onMouseDown={keepFocus}
          onClick={() => onDigit(digit)}
          disabled={disabled}
        >
          {digit}
        </button>
      ))}
      <button
        type="button"
        className="keypad-key keypad-zero"
        onMouseDown={keepFocus}
        onClick={() => onDigit('0')}
        disabled={disabled}
      >
        0
      </button>
      <button
        type="button"
        className="keypad-key keypad-delete"
        onMouseDown={keepFocus}
        onClick={onDelete}
        disabled={disabled}
      >
        {t('keypad.delete')}
      </button>
    </div>
  );
}
