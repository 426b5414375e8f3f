import { reportContentWidth } from "./report-content-width.ts";

/** Horizontal padding of the page's `main`, each side, around its `reportContentWidth` of content. */
const pagePadding = 20;

/**
 * The report page's stylesheet. The content is at most `reportContentWidth` wide and narrows with the
 * window. Tables wrap their headers and long cells only (`td.long`, see `table`) and, with ten or more
 * columns (`table.wide`), use a smaller font and tighter cells, so at the full width every table fits; on a narrower screen a table that still does not
 * fit scrolls inside its `.table-wrap`, whose edges then shade on the side with more to see (shadows
 * that scroll away at either end), while the page itself never scrolls sideways. Plots size themselves
 * in the page's script (`reportRenderScript`).
 */
export const reportStyles = `
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --rule: #d9dce1; --band: #f5f6f8; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; }
main { max-width: ${reportContentWidth + 2 * pagePadding}px; margin: 0 auto; padding: 24px ${pagePadding}px 64px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 36px 0 8px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
.lead, figcaption, .note { color: var(--muted); overflow-wrap: anywhere; }
figure { margin: 12px 0; }
.plot { overflow-x: auto; max-width: 100%; }
.plot svg { display: block; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 8px 0; font-size: 0.85rem; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 8px; text-align: right; vertical-align: top; }
th:first-child, thead th { text-align: left; }
thead th { background: var(--band); font-weight: 600; vertical-align: bottom; }
td, tbody th { white-space: nowrap; }
td.long, tbody th.long { white-space: normal; }
table.wide { font-size: 0.78rem; }
table.wide th, table.wide td { padding: 3px 5px; }
.table-wrap {
  max-width: 100%;
  overflow-x: auto;
  background:
    linear-gradient(to right, #fff 30%, rgba(255, 255, 255, 0)) left / 24px 100% no-repeat local,
    linear-gradient(to left, #fff 30%, rgba(255, 255, 255, 0)) right / 24px 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0, 0, 0, 0.22), rgba(0, 0, 0, 0)) left / 10px 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0, 0, 0, 0.22), rgba(0, 0, 0, 0)) right / 10px 100% no-repeat scroll;
}
dl.manifest { display: grid; grid-template-columns: minmax(0, max-content) minmax(0, 1fr); gap: 2px 16px; font-size: 0.9rem; }
dl.manifest dt { color: var(--muted); overflow-wrap: anywhere; }
dl.manifest dd { margin: 0; overflow-wrap: anywhere; }
.partial { border-left: 4px solid #e8a33d; background: #fff8e6; padding: 8px 12px; overflow-wrap: anywhere; }
`;
