import { describe, expect, it } from "vitest";
import { confidenceCalibration } from "../bench/metrics/index.ts";
import { syntheticRun } from "../testing/index.ts";
import { reliabilitySpec } from "./reliability-spec.ts";
import { renderSvg } from "./render-svg.ts";

describe("reliabilitySpec", () => {
  it("labels the confidence axis every 20%, so its labels keep apart", async () => {
    const { spec, points } = reliabilitySpec(confidenceCalibration(syntheticRun({ seed: 4 }))!.reliability);
    expect(points.length).toBeGreaterThan(2);
    const svg = await renderSvg(spec);
    const axis = svg.match(/aria-label="X-axis[\s\S]*?role-axis-title/)?.[0] ?? "";
    const labels = axis.match(/<g class="mark-text role-axis-label"[\s\S]*?<\/g>/)?.[0] ?? "";
    expect([...labels.matchAll(/>([^<]+)<\/text>/g)].map(([, text]) => text)).toEqual([
      "0%",
      "20%",
      "40%",
      "60%",
      "80%",
      "100%",
    ]);
  });
});
