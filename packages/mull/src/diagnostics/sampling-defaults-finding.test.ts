import { describe, expect, it } from "vitest";
import {
  describeSamplingDefaults,
  samplingDefaultsFinding,
  untruncatedSampling,
} from "./sampling-defaults-finding.ts";

const server = { baseUrl: "http://127.0.0.1:8080/v1" };
const source = "llama.cpp GET /props";

/** What a stock llama-server's `/props` reports (its float32 settings rounded as mull reads them). */
const stock = {
  samplers: ["penalties", "dry", "top_n_sigma", "top_k", "typ_p", "top_p", "min_p", "xtc", "temperature"],
  temperature: 0.8,
  dynatemp_range: 0,
  top_k: 40,
  top_p: 0.95,
  min_p: 0.05,
  top_n_sigma: -1,
  typical_p: 1,
  xtc_probability: 0,
  xtc_threshold: 0.1,
  repeat_penalty: 1,
  repeat_last_n: 64,
  presence_penalty: 0,
  frequency_penalty: 0,
  dry_multiplier: 0,
  mirostat: 0,
};

describe("samplingDefaultsFinding", () => {
  it("names a stock llama-server's top-k, top-p and min-p as cuts and its temperature as a reshaping", () => {
    const finding = samplingDefaultsFinding({ source, values: stock }, server);
    expect(finding.truncating).toEqual(["top_k 40", "top_p 0.95", "min_p 0.05"]);
    expect(finding.reshaping).toEqual(["temperature 0.8"]);
    expect(finding.source).toBe(source);
    expect(finding.values).toBe(stock);
    expect(finding.detail).toBe(
      "temperature 0.8, top_k 40, top_p 0.95, min_p 0.05 (llama.cpp GET /props); a client that leaves them " +
        "out gets a distribution truncated by top_k 40, top_p 0.95 and min_p 0.05, reshaped by temperature 0.8",
    );
  });

  it("says none truncates for a server started with --top-k 0 --top-p 1 --min-p 0 --temp 1", () => {
    const values = { ...stock, top_k: 0, top_p: 1, min_p: 0, temperature: 1 };
    const finding = samplingDefaultsFinding({ source, values }, server);
    expect(finding.truncating).toEqual([]);
    expect(finding.reshaping).toEqual([]);
    expect(finding.detail).toBe(
      "temperature 1, top_k 0, top_p 1, min_p 0 (llama.cpp GET /props); a client that leaves them out gets " +
        "the model's whole distribution, neither truncated nor reshaped",
    );
  });

  it("counts the cuts of a server started with --top-k 0 --top-p 1 --min-p 0 apart from its temperature", () => {
    const finding = samplingDefaultsFinding(
      { source, values: { ...stock, top_k: 0, top_p: 1, min_p: 0 } },
      server,
    );
    expect(finding.truncating).toEqual([]);
    expect(finding.reshaping).toEqual(["temperature 0.8"]);
    expect(finding.detail).toMatch(
      /leaves them out gets a distribution reshaped by temperature 0\.8, not truncated$/,
    );
  });

  it("shows other samplers only where they act, and calls a temperature of 0 a cut (greedy)", () => {
    const values = { ...stock, typical_p: 0.9, xtc_probability: 0.5, repeat_penalty: 1.1, temperature: 0 };
    const finding = samplingDefaultsFinding({ source, values }, server);
    expect(finding.truncating).toEqual([
      "top_k 40",
      "top_p 0.95",
      "min_p 0.05",
      "typical_p 0.9",
      "xtc_probability 0.5",
      "temperature 0",
    ]);
    expect(finding.reshaping).toEqual(["repeat_penalty 1.1"]);
    expect(finding.detail).not.toContain("dry_multiplier");
    expect(finding.detail).toContain("typical_p 0.9");
    // XTC above a threshold of 0.5 removes nothing; penalties over no last tokens penalise nothing.
    const idle = samplingDefaultsFinding(
      {
        source,
        values: { ...stock, xtc_probability: 0.5, xtc_threshold: 0.6, repeat_penalty: 1.1, repeat_last_n: 0 },
      },
      server,
    );
    expect(idle.truncating).toEqual(["top_k 40", "top_p 0.95", "min_p 0.05"]);
    expect(idle.reshaping).toEqual(["temperature 0.8"]);
  });

  it("leaves out settings whose sampler the chain does not run, and all but temperature under mirostat", () => {
    const chain = samplingDefaultsFinding(
      { source, values: { ...stock, samplers: ["min_p", "temperature"] } },
      server,
    );
    expect(chain.truncating).toEqual(["min_p 0.05"]);
    expect(chain.detail).toContain("top_k 40"); // shown, but not called a cut
    const mirostat = samplingDefaultsFinding({ source, values: { ...stock, mirostat: 2 } }, server);
    expect(mirostat.truncating).toEqual(["mirostat 2"]);
    expect(mirostat.reshaping).toEqual(["temperature 0.8"]);
  });

  it("says the defaults were not reported, by the server or by a backend that is not one", () => {
    expect(samplingDefaultsFinding(undefined, server)).toEqual({
      truncating: [],
      reshaping: [],
      detail: "not reported by the server",
    });
    expect(samplingDefaultsFinding(undefined, {}).detail).toBe("not reported by the backend");
  });
});

describe("describeSamplingDefaults", () => {
  it("says what the check sent, then the candidate's and the reference's defaults", () => {
    const lines = describeSamplingDefaults({
      sent: { temperature: 2, top_k: 0, top_p: 1, min_p: 0 },
      candidate: samplingDefaultsFinding({ source, values: stock }, server),
      reference: samplingDefaultsFinding(undefined, {}),
    });
    expect(lines).toEqual([
      "the sampling check sent temperature 2, top_k 0, top_p 1, min_p 0 explicitly, so no default below applied to it",
      expect.stringMatching(
        /^candidate defaults: temperature 0\.8, top_k 40, .* truncated by top_k 40, top_p 0\.95 and min_p 0\.05,/,
      ),
      "reference defaults: not reported by the backend",
    ]);
  });

  it("matches what the sampling check sends", () => {
    expect(untruncatedSampling).toEqual({ topK: 0, topP: 1, minP: 0 });
  });
});
