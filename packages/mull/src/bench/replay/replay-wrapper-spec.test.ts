import { describe, expect, it } from "vitest";
import { replayWrapperForms, replayWrapperFormsText, replayWrapperSpec } from "./replay-wrapper-spec.ts";

describe("replayWrapperSpec", () => {
  it("reads asc and esc around sc, maj and rs as the asc@N and esc@NwW kinds", () => {
    expect(replayWrapperSpec("asc(maj@8)")).toBe("asc@8");
    expect(replayWrapperSpec("asc(sc@8)")).toBe("asc@8");
    expect(replayWrapperSpec("asc(rs@8)")).toBe("asc@8");
    expect(replayWrapperSpec("asc( sc@16 )dt0.99")).toBe("asc@16dt0.99");
    expect(replayWrapperSpec("esc(sc@8)w4")).toBe("esc@8w4");
    // Spaces anywhere inside are ignored, as a live spec ignores them.
    expect(replayWrapperSpec("asc(sc @8)")).toBe("asc@8");
    expect(replayWrapperSpec("esc(maj@ 16) w4")).toBe("esc@16w4");
    expect(replayWrapperSpec("esc(maj@64)w8")).toBe("esc@64w8");
  });

  it("leaves every other spec as it is", () => {
    for (const spec of ["asc@8", "asc(bon@8)", "esc(wv@16)w4", "asc(asc@8)", "maj@8", "asc(sc@8"]) {
      expect(replayWrapperSpec(spec)).toBe(spec);
    }
  });

  it("lists each form it reads, every one of them read as the replay spec it names", () => {
    expect(replayWrapperForms.map(({ form }) => form)).toEqual([
      "asc(sc@<k>)[d][t<threshold>]",
      "asc(maj@<k>)[d][t<threshold>]",
      "asc(rs@<k>)[d][t<threshold>]",
      "esc(sc@<k>)w<window>",
      "esc(maj@<k>)w<window>",
      "esc(rs@<k>)w<window>",
    ]);
    // Each listed form, its placeholders filled in, reads as the spec it is listed as.
    const filled = (form: string) =>
      form.replace("<k>", "8").replace("[d][t<threshold>]", "dt0.9").replace("<window>", "4");
    for (const { form, reads } of replayWrapperForms) {
      expect(replayWrapperSpec(filled(form))).toBe(filled(reads));
    }
    expect(replayWrapperFormsText).toBe(
      "asc(sc@<k>)[d][t<threshold>], asc(maj@<k>)[d][t<threshold>] and asc(rs@<k>)[d][t<threshold>] are " +
        "asc@<k>[d][t<threshold>]; esc(sc@<k>)w<window>, esc(maj@<k>)w<window> and esc(rs@<k>)w<window> are " +
        "esc@<k>w<window>",
    );
  });
});
