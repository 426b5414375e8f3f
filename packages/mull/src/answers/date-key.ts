const monthDayYear = /^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$/;
const isoDate = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

/**
 * A date answer in canonical `MM/DD/YYYY` form (zero-padded; `-` and `.` separators and ISO `YYYY-MM-DD`
 * accepted), or `undefined` when the answer is not a date of that shape.
 *
 * @example
 * dateKey("5/1/2021"); // "05/01/2021"
 */
export function dateKey(answer: string): string | undefined {
  const text = answer
    .trim()
    .replace(/^\$+|\$+$/g, "")
    .replace(/\.$/, "")
    .trim();
  const american = monthDayYear.exec(text);
  const iso = american ? undefined : isoDate.exec(text);
  const [month, day, year] = american
    ? [american[1], american[2], american[3]]
    : iso
      ? [iso[2], iso[3], iso[1]]
      : [];
  if (month === undefined || day === undefined || year === undefined) return undefined;
  return `${month.padStart(2, "0")}/${day.padStart(2, "0")}/${year}`;
}
