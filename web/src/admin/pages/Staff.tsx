// Staff: who works the admin page, inviting and removing them.
import { useState } from 'preact/hooks';

import { Notice } from '../../components/Notice';
import { useLoad } from '../../lib/useLoad';
import { Head } from '../components/Head';
import { inviteStaff, listStaff, removeStaff } from '../api';
import { Field } from '../components/Form';

export function StaffPage() {
  const { data, error, retry } = useLoad(listStaff, []);
  const [f, setF] = useState({ name: '', email: '', role: 'office' });
  const [formError, setFormError] = useState<unknown>(null);
  const invite = async (e: Event) => {
    e.preventDefault();
    setFormError(null);
    try {
      await inviteStaff(f);
      setF({ name: '', email: '', role: 'office' });
      retry();
    } catch (err) {
      setFormError(err);
    }
  };
  return (
    <>
      <h1>Staff</h1>
      {error !== null && <Notice error={error} onRetry={retry} />}
      {data && (
        <table class="table">
          <Head cols={['Name', 'Email', 'Role', '']} />
          <tbody>
            {data.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td>{s.email}</td>
                <td>{s.active ? s.role : 'removed'}</td>
                <td>
                  {s.active && s.role !== 'owner' && (
                    <button type="button" class="button link" onClick={() => removeStaff(s.id).then(retry, setFormError)}>
                      Remove {s.name}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="card" onSubmit={invite} aria-labelledby="invite-staff">
        <h2 id="invite-staff">Invite a colleague</h2>
        <div class="grid2">
          <Field label="Name" name="name" value={f.name} onInput={(v) => setF({ ...f, name: v })} error={formError} required />
          <Field label="Email" name="email" type="email" value={f.email} onInput={(v) => setF({ ...f, email: v })} error={formError} required />
          <label>
            Role
            <select value={f.role} onChange={(e) => setF({ ...f, role: e.currentTarget.value })}>
              <option value="office">Office</option>
              <option value="technician">Technician (read only)</option>
              <option value="owner">Owner</option>
            </select>
          </label>
        </div>
        {formError !== null && <Notice error={formError} />}
        <button class="button primary">Send invitation</button>
      </form>
    </>
  );
}
