/**
 * The candidate a misspelt word most likely meant, or undefined when none is close enough to
 * suggest: a wrong suggestion costs the reader more than none. Close means a few typing slips
 * (a letter missed, added, changed, or two swapped; case ignored), about one per three letters,
 * or the word being the start of the candidate (`env` for `environment`). Ties go to the
 * candidate listed first.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const wanted = candidate.toLowerCase();
    const distance = editDistance(typed, wanted);
    const slips = Math.max(1, Math.floor(Math.max(typed.length, wanted.length) / 3));
    const prefix = typed.length >= 3 && wanted.startsWith(typed);
    if ((distance <= slips || prefix) && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`: optimal string alignment. */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: the distance between a's first i and b's first j characters.
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const change = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + change);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}
