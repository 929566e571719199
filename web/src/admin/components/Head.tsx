/** A table's column headings; an empty heading names the actions column for screen readers. */
export function Head({ cols }: { cols: string[] }) {
  return (
    <thead>
      <tr>
        {cols.map((c, i) => (
          <th scope="col" key={i}>
            {c || <span class="visually-hidden">Actions</span>}
          </th>
        ))}
      </tr>
    </thead>
  );
}
