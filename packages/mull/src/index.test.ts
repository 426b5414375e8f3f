import { describe, expect, it } from "vitest";
import { strategyCatalog, strategyCatalogMarkdown } from "./index.ts";

describe("the mull entry", () => {
  it("exports the catalog's Markdown tables, which the README's strategy tables are", () => {
    const searches = strategyCatalog.filter((entry) => entry.kind === "search");
    const lines = strategyCatalogMarkdown("search").split("\n");
    expect(lines).toHaveLength(searches.length + 2);
    expect(lines[0]).toMatch(/^\| spec +\| needs +\| search +\|$/);
    expect(lines[2]).toContain(`\`${searches[0]?.forms[0]}\``);
  });
});
