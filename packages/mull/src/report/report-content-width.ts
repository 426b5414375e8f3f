/**
 * The widest the report page's content gets, in CSS pixels (`main` less its padding); on a narrower
 * window it narrows with it. Plots that grow with the strategies or difficulties of a run, such as the
 * difficulty chart, are built to fit this width, and the page's script draws any plot narrower (fewer
 * columns of panels, legends under the plot) where its place is narrower, so that no plot needs
 * scrolling sideways. Tables fit it too; on a narrower screen a table that cannot wrap to fit scrolls
 * inside its own shaded box, never the page (`reportStyles`).
 */
export const reportContentWidth = 1060;
