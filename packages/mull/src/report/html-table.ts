import { escapeHtml } from "./html-text.ts";

/** An HTML table: a header row, then rows whose first cell heads the row; every cell escaped. */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  className: string,
): string {
  const head = header.map((cell) => `<th scope="col">${escapeHtml(cell)}</th>`).join("");
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((cell, index) => (index === 0 ? `<th scope="row">${escapeHtml(cell)}</th>` : `<td>${escapeHtml(cell)}</td>`)).join("")}</tr>`,
    )
    .join("\n");
  return `<table class="${className}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
