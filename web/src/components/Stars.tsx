// A rating shown as stars (★★★★☆), with its words for screen readers.

export function starsText(n: number): string {
  return `${n} ${n === 1 ? 'star' : 'stars'}`;
}

export function Stars({ n }: { n: number }) {
  return (
    <span class="stars" role="img" aria-label={starsText(n)}>
      {'★'.repeat(n)}
      <span class="stars-off">{'★'.repeat(5 - n)}</span>
    </span>
  );
}
