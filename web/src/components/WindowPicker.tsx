// Up to `max` windows a thumb can pick, one chip each, made from the contractor's working
// hours (`choices` in lib/when): asking for another visit time, and a work request's times.
import type { Choice, ChoiceDay } from '../lib/when';

export function WindowPicker({ days, picked, max, onPick }: { days: ChoiceDay[]; picked: Choice[]; max: number; onPick: (p: Choice[]) => void }) {
  const toggle = (c: Choice) =>
    onPick(picked.some((x) => x.key === c.key) ? picked.filter((x) => x.key !== c.key) : picked.length < max ? [...picked, c] : picked);
  return (
    <>
      {days.map((d) => (
        <fieldset key={d.date} class="day">
          <legend>{d.label}</legend>
          {d.choices.map((c) => {
            const on = picked.some((x) => x.key === c.key);
            return (
              <button key={c.key} type="button" class={`chip${on ? ' on' : ''}`} aria-pressed={on} disabled={!on && picked.length >= max} onClick={() => toggle(c)}>
                {c.label}
              </button>
            );
          })}
        </fieldset>
      ))}
    </>
  );
}
