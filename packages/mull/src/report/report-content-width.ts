/**
 * The width in CSS pixels of the report page's content (`main` less its padding). Plots that grow with
 * the strategies or difficulties of a run, such as the difficulty chart, size themselves to fit in it,
 * so that nothing of them needs scrolling sideways.
 */
export const reportContentWidth = 1060;
