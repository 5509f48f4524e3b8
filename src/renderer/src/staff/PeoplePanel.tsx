import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffMember, StaffRole, StaffSession } from '../../../shared/ipc';
import { useKiosk } from '../app/kiosk-context';
import {
  ErrorText,
  Field,
  PIN_PATTERN,
  StatusText,
  TextField,
  useBridgeCall,
  useFormat,
  useStaffFailureText,
  PinField,
} from './common';

/** PIN management: who may sign in, as cashier or manager; add, change a PIN, remove. */
export function PeoplePanel({ session }: { session: StaffSession }) {
  const { t } = useTranslation('staff');
  const { bridge } = useKiosk();
  const failureText = useStaffFailureText();
  const format = useFormat();
  const { failure, setFailure, done, setDone, run } = useBridgeCall();
  const [members, setMembers] = useState<StaffMember[] | null>(null);
  const [changing, setChanging] = useState<string | null>(null);

  const load = useCallback(async () => {
    if (!bridge) return;
    const answer = await bridge.listStaff();
    if (answer.ok) setMembers(answer.value);
    else setFailure(failureText(answer));
  }, [bridge, failureText, setFailure]);

  useEffect(() => {
    const first = setTimeout(() => void load(), 0);
    return () => clearTimeout(first);
  }, [load]);

  async function remove(member: StaffMember) {
    const removed = await run((bridge) => bridge.removeStaff({ staffId: member.staffId }));
    if (!removed) return;
    setDone(t('people.removed', { name: member.name }));
    await load();
  }

  return (
    <div className="staff-stack">
      <section className="staff-card" aria-labelledby="people-heading">
        <h2 id="people-heading">{t('people.heading')}</h2>
        {members && members.length === 0 ? <p>{t('people.empty')}</p> : null}
        {members && members.length > 0 ? (
          <ul className="staff-list">
            {members.map((member) => (
              <li key={member.staffId} className="staff-person">
                <p>
                  <strong>{member.name}</strong> — {t(`roles.${member.role}`)}
                  {member.staffId === session.staffId ? ' ✓' : ''}
                  <span className="staff-hint">
                    {' '}
                    ({t('people.added')} {format.dateTime(member.createdAt)})
                  </span>
                </p>
                <div className="staff-row">
                  <button
                    type="button"
                    aria-expanded={changing === member.staffId}
                    onClick={() => setChanging(changing === member.staffId ? null : member.staffId)}
                  >
                    {t('people.changePin')}
                    <span className="visually-hidden"> {member.name}</span>
                  </button>
                  <button type="button" onClick={() => void remove(member)}>
                    {t('people.remove')}
                    <span className="visually-hidden"> {member.name}</span>
                  </button>
                </div>
                {changing === member.staffId ? (
                  <ChangePin
                    member={member}
                    onCancel={() => setChanging(null)}
                    onDone={async (message) => {
                      setChanging(null);
                      setDone(message);
                      await load();
                    }}
                  />
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
        <ErrorText>{failure}</ErrorText>
        <StatusText>{done}</StatusText>
      </section>
      <AddMember
        onDone={async (message) => {
          setDone(message);
          await load();
        }}
      />
    </div>
  );
}

function ChangePin({
  member,
  onCancel,
  onDone,
}: {
  member: StaffMember;
  onCancel: () => void;
  onDone: (message: string) => Promise<void>;
}) {
  const { t } = useTranslation('staff');
  // One message under the field: the PIN's shape, or the refusal.
  const { failure: error, setFailure: setError, run } = useBridgeCall();
  const [pin, setPin] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!PIN_PATTERN.test(pin)) {
      setError(t('pin.invalid'));
      return;
    }
    const saved = await run((bridge) =>
      bridge.saveStaff({ staffId: member.staffId, name: member.name, role: member.role, pin }),
    );
    if (saved) await onDone(t('people.pinChanged', { name: member.name }));
  }

  return (
    <form className="staff-row" onSubmit={(e) => void submit(e)} noValidate>
      <PinField
        label={t('people.newPinFor', { name: member.name })}
        error={error}
        value={pin}
        onChange={setPin}
      />
      <button type="submit" className="primary">
        {t('people.savePin')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('people.cancel')}
      </button>
    </form>
  );
}

function AddMember({ onDone }: { onDone: (message: string) => Promise<void> }) {
  const { t } = useTranslation('staff');
  const { busy, failure, reset, run } = useBridgeCall();
  const [name, setName] = useState('');
  const [role, setRole] = useState<StaffRole>('cashier');
  const [pin, setPin] = useState('');
  const [errors, setErrors] = useState<{ name?: string; pin?: string }>({});

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: typeof errors = {};
    if (name.trim() === '') found.name = t('people.nameRequired');
    if (!PIN_PATTERN.test(pin)) found.pin = t('pin.invalid');
    setErrors(found);
    reset();
    if (Object.keys(found).length > 0) return;
    const added = await run((bridge) => bridge.saveStaff({ name: name.trim(), role, pin }));
    if (!added) return;
    setName('');
    setPin('');
    await onDone(t('people.added_done', { name: added.name }));
  }

  return (
    <form
      className="staff-card staff-form"
      aria-labelledby="add-heading"
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <h2 id="add-heading">{t('people.addHeading')}</h2>
      <TextField
        label={t('people.name')}
        error={errors.name}
        maxLength={40}
        value={name}
        onChange={setName}
      />
      <Field label={t('people.role')}>
        {(props) => (
          <select {...props} value={role} onChange={(e) => setRole(e.target.value as StaffRole)}>
            <option value="cashier">{t('roles.cashier')}</option>
            <option value="manager">{t('roles.manager')}</option>
          </select>
        )}
      </Field>
      <PinField
        label={t('people.pin')}
        hint={t('setup.pinHint')}
        error={errors.pin}
        value={pin}
        onChange={setPin}
      />
      <ErrorText>{failure}</ErrorText>
      <button type="submit" className="primary" disabled={busy}>
        {t('people.add')}
      </button>
    </form>
  );
}
