import { escapeHtml } from "./html-text.ts";

const numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimalFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/** A count rounded to a whole number with thousands separators: `12345.6` → `12,346`; `unknown` for none. */
export function whole(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "unknown" : numberFormat.format(value);
}

/** A number with at most two decimals: `1.2345` → `1.23`; `unknown` for none. */
export function decimal(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "unknown" : decimalFormat.format(value);
}

/** A share as a percentage with one decimal: `0.125` → `12.5%`. */
export function percentText(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** Columns from which a table is set smaller (`table.wide` in `reportStyles`). */
const wideTableColumns = 10;

/**
 * The longest cell, in characters, kept on one line (a number, or a percentage with its count such as
 * `83.3% (10)`, reads badly broken); a longer cell (`class="long"`) may wrap, so wide tables fit the page.
 */
const shortCellLength = 12;

function cellClass(cell: string): string {
  return cell.length > shortCellLength ? ' class="long"' : "";
}

/**
 * An HTML table of text cells (escaped): a header row, then rows whose first cell is the row's header.
 * Header cells wrap; a body cell wraps only when longer than 12 characters (`class="long"`); a table of
 * ten or more columns is set smaller (`class="… wide"`), so that tables fit the report's page.
 *
 * @example
 * table(["strategy", "accuracy"], [["sc@8", "71.0%"]], "cost");
 */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  className: string,
): string {
  const head = header.map((cell) => `<th scope="col">${escapeHtml(cell)}</th>`).join("");
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((cell, index) => (index === 0 ? `<th scope="row"${cellClass(cell)}>${escapeHtml(cell)}</th>` : `<td${cellClass(cell)}>${escapeHtml(cell)}</td>`)).join("")}</tr>`,
    )
    .join("\n");
  // A table of many columns gets a smaller font and tighter cells (`table.wide`), to fit the page.
  const classes = header.length >= wideTableColumns ? `${className} wide` : className;
  return `<table class="${classes}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A plot's place (the element with id `plot-<name>`) and its caption, which is HTML as given. */
export function figure(name: string, caption: string): string {
  return `<figure><div class="plot" id="plot-${name}" data-plot="${name}"></div><figcaption>${caption}</figcaption></figure>`;
}

/** A muted paragraph of text (escaped). */
export function note(text: string): string {
  return `<p class="note">${escapeHtml(text)}</p>`;
}
