import type { TopLevelSpec } from "vega-lite";
import { type ConfidenceCalibration, type PeakPhaseShare, peakDigits } from "../bench/metrics/index.ts";
import { wordList } from "../runtime/index.ts";
import { figure, note, percentText, table } from "./html-blocks.ts";
import { instabilitySpec } from "./instability-spec.ts";
import { reliabilitySpec } from "./reliability-spec.ts";

function signalTable(confidence: ConfidenceCalibration): string {
  const rows = confidence.signals.map((row) => [
    row.strategy ?? "all strategies",
    row.signal,
    String(row.candidates),
    `${percentText(row.wrong / row.candidates)} (${row.wrong})`,
    row.auroc === undefined ? "— (one class only)" : row.auroc.toFixed(3),
  ]);
  return table(["strategy", "signal", "candidates", "wrong", "AUROC (wrong answer)"], rows, "signals");
}

function reliabilityTable(confidence: ConfidenceCalibration): string {
  const rows = confidence.reliability.map((entry) => [
    entry.confidence,
    String(entry.candidates),
    percentText(entry.meanConfidence),
    percentText(entry.accuracy),
    entry.calibration.expectedCalibrationError.toFixed(3),
  ]);
  return table(
    ["confidence", "candidates", "mean confidence", "accuracy", "expected calibration error"],
    rows,
    "calibration",
  );
}

function phaseText(share: PeakPhaseShare | undefined): string {
  if (share === undefined || share.candidates === 0 || share.accuracy === undefined) return "—";
  return `${percentText(share.accuracy)} of ${share.candidates}`;
}

function peakPhaseTable(confidence: ConfidenceCalibration): string {
  const rows = confidence.instability.map((bucket) => [
    String(bucket.bucket),
    `${bucket.lowerPeak.toPrecision(peakDigits)}–${bucket.upperPeak.toPrecision(peakDigits)}`,
    percentText(bucket.accuracy),
    phaseText(bucket.early),
    phaseText(bucket.late),
  ]);
  return table(
    ["bucket", "peak instability", "accuracy", "early peaks: accuracy", "late peaks: accuracy"],
    rows,
    "peak-phases",
  );
}

/** The sentence naming the candidates left out because their strategy cut them short; `undefined` for none. */
function cutSentence(confidence: ConfidenceCalibration): string | undefined {
  if (confidence.cut.length === 0) return undefined;
  const counts = confidence.cut.map(({ strategy, candidates }) => `${candidates} of ${strategy}`);
  const listed = wordList(counts, "and");
  const total = confidence.cut.reduce((sum, entry) => sum + entry.candidates, 0);
  return `Left out of this section: ${listed} (${total} candidate${total === 1 ? "" : "s"} in all), traces their strategy cut short (finish reason cut). Their signals describe the tokens up to the cut, and the cut fell where they looked worst (a low group confidence, a late instability peak), so they would read as low-confidence, late-peak traces whatever the whole trace would have been.`;
}

/**
 * The report's "Confidence and calibration" section, as HTML parts: a table of each stored signal's AUROC
 * for predicting a wrong answer, the reliability diagram (plot `reliability`) with a table of expected
 * calibration errors when candidates have log-probabilities, and accuracy by instability bucket (plot
 * `instability`) when they have stability scores, with early against late peaks in each bucket (table
 * `peak-phases`) when the run stored where the peaks fell; candidates their strategy cut short are left out,
 * and a note under the heading counts them per strategy. The plots' specs are added to `specs`.
 *
 * @example
 * const confidence = confidenceCalibration(run);
 * if (confidence !== undefined) sections.push(...confidenceSection(confidence, specs));
 */
export function confidenceSection(
  confidence: ConfidenceCalibration,
  specs: { reliability?: TopLevelSpec; instability?: TopLevelSpec },
): string[] {
  const sections = [
    "<h2>Confidence and calibration</h2>",
    note(
      "How well each signal stored with the sampled candidates predicts that a candidate's own answer is wrong: the AUROC of the negated signal (0.5 is chance, 1 a perfect separation, below 0.5 the signal points the wrong way). Logprob is the trace's summed log-probability over its completion tokens, mean logprob that sum divided by the completion tokens (the two rank the candidates alike where their lengths are alike, as on short lab chains); scores are as their scorer gave them (higher = more confident). Per-token data is not stored: the bench stores stability, DeepConf confidence and self-certainty for samples drawn with top alternatives, and none for samples drawn without log-probabilities.",
    ),
    `<div class="table-wrap">${signalTable(confidence)}</div>`,
  ];
  const cut = cutSentence(confidence);
  if (cut !== undefined) sections.splice(2, 0, note(cut));
  if (confidence.reliability.length > 0) {
    specs.reliability = reliabilitySpec(confidence.reliability).spec;
    sections.push(
      figure(
        "reliability",
        "Reliability diagram over every sampled candidate with a log-probability: the candidates are binned by a probability-like confidence (ten equal bins) and each point is the bin's accuracy against its mean confidence, sized by its candidates; on the dashed diagonal the confidence would be calibrated. The expected calibration error is the candidate-weighted mean distance from it.",
      ),
      `<div class="table-wrap">${reliabilityTable(confidence)}</div>`,
    );
  }
  if (confidence.instability.length > 0) {
    specs.instability = instabilitySpec(confidence.instability);
    sections.push(
      figure(
        "instability",
        `Accuracy of the candidates in each quantile of peak token instability (from their stability score, exp(−peak)), steadiest first. Peaks are compared at ${peakDigits} significant digits, so identical traces share a bucket.`,
      ),
    );
    if (confidence.instability.some((bucket) => bucket.early !== undefined)) {
      sections.push(
        note(
          "Early against late peaks at similar strength: within each bucket, the candidates whose instability peaked in the first half of their trace (often corrected: the trace settles and ends right) against those whose peak came in the second half (more often destructive).",
        ),
        `<div class="table-wrap">${peakPhaseTable(confidence)}</div>`,
      );
    }
  }
  return sections;
}
