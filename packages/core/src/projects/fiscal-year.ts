/**
 * Its own module, without zod: screens that only show a year (the project list's filter) load
 * this and not the schemas (UI performance §4.8). schemas.ts re-exports it.
 */

/** Japanese fiscal year (年度): April to March, named by the year it starts in. */
export function fiscalYearOf(date: Date): number {
  const year = date.getFullYear();
  return date.getMonth() < 3 ? year - 1 : year;
}
