// A piece of equipment on record: what, make and model, when installed, warranty, serial.
import type { Equipment } from '../api/types';
import { date } from '../lib/format';

export function EquipmentCard({ e }: { e: Equipment }) {
  return (
    <li class="card">
      <strong>{e.kind}</strong>
      {e.make_model && <> · {e.make_model}</>}
      <p class="muted">
        {e.installed_on && <>Installed {date(e.installed_on)}</>}
        {e.warranty_until && <> · warranty until {date(e.warranty_until)}</>}
        {e.serial && <> · serial {e.serial}</>}
      </p>
      {e.notes && <p class="prose">{e.notes}</p>}
    </li>
  );
}
