import { areaUnderRoc, type Calibration, calibration, quantileCuts } from "../../metrics/index.ts";
import type { RunData, SampleRecord } from "../run-data.ts";
import { strategyOrder } from "./strategy-order.ts";

/** How well one trace signal of a strategy's candidates predicts a wrong answer. */
export interface SignalAuroc {
  /** The strategy whose candidates were scored; `undefined` for the candidates of every strategy together. */
  readonly strategy: string | undefined;
  /** `mean logprob`, `logprob` (the sum) or a scorer's name as stored with the samples. */
  readonly signal: string;
  /** Candidates that have the signal. */
  readonly candidates: number;
  /** Of them, those whose own answer is wrong (or missing). */
  readonly wrong: number;
  /**
   * AUROC of the negated signal for telling wrong candidates from right ones (0.5 = chance, 1 = every wrong
   * candidate has a lower signal than every right one); `undefined` when all are right or all wrong.
   */
  readonly auroc: number | undefined;
}

/** The calibration of one probability-like confidence over every sampled candidate that has it. */
export interface ConfidenceReliability {
  /** `exp(mean logprob)` (the geometric mean token probability) or `exp(logprob)` (the trace's probability). */
  readonly confidence: string;
  readonly candidates: number;
  /** Mean confidence and share of correct candidates over all of them. */
  readonly meanConfidence: number;
  readonly accuracy: number;
  /** Reliability bins (ten, equal width) and the expected calibration error. */
  readonly calibration: Calibration;
}

/** The candidates of a bucket whose instability peaked early, or late, in their trace. */
export interface PeakPhaseShare {
  readonly candidates: number;
  /** Share of them whose answer is right; `undefined` when there are none. */
  readonly accuracy: number | undefined;
}

/**
 * Candidates whose peak token instability falls in one quantile bucket. Equal peaks share a bucket: peaks
 * are compared at `peakDigits` significant digits (identical traces differ by float noise far below) and
 * bounds are cut between distinct values, so buckets differ in size where peaks tie, and there are fewer
 * of them where ties span a whole share.
 */
export interface InstabilityBucket {
  /** 1 for the steadiest bucket. */
  readonly bucket: number;
  /** The smallest, mean and largest peak instability of its candidates. */
  readonly lowerPeak: number;
  readonly meanPeak: number;
  readonly upperPeak: number;
  readonly candidates: number;
  /** Share of them whose answer is right. */
  readonly accuracy: number;
  /**
   * Its candidates split by where the peak fell (before or after half of the trace), at similar peak
   * strength, as Chen et al. compare them; absent when the run did not record peak positions.
   */
  readonly early?: PeakPhaseShare | undefined;
  readonly late?: PeakPhaseShare | undefined;
}

/** The candidates of a strategy that were left out because the strategy cut their trace short. */
export interface CutCandidates {
  readonly strategy: string;
  /** Its candidates with finish reason `cut` that carry a signal (a log-probability or a score). */
  readonly candidates: number;
}

/** What a run's stored candidates say about confidence: AUROC per signal, calibration, instability. */
export interface ConfidenceCalibration {
  /** Per strategy (in `strategyOrder`), then for all candidates together when several strategies have it. */
  readonly signals: readonly SignalAuroc[];
  /** Empty when no candidate has a log-probability. */
  readonly reliability: readonly ConfidenceReliability[];
  /** Accuracy by peak-instability quintile; empty when no candidate has a `stability` score. */
  readonly instability: readonly InstabilityBucket[];
  /**
   * Per strategy (in `strategyOrder`), the candidates left out of all of the above because the strategy
   * cut their trace short (finish reason `cut`): their signals describe the tokens up to the cut, not a
   * whole trace (an online cut fires at a low confidence or a late instability peak, so they would read
   * as late peaks and low confidences). Only strategies that cut any.
   */
  readonly cut: readonly CutCandidates[];
}

/** Settings of `confidenceCalibration`. */
export interface ConfidenceCalibrationOptions {
  /**
   * Buckets of the instability curve; default 5 (quintiles), fewer when there are fewer candidates or
   * distinct peaks (equal peaks are never split between buckets).
   */
  readonly instabilityBuckets?: number | undefined;
  /** Bins of the reliability diagrams; default 10. */
  readonly bins?: number | undefined;
}

/** The scorer name `stabilityScore` gives: `exp(−peak instability)`. */
export const stabilityScorer = "stability";

/**
 * The name under which a bench run stores where a trace's instability peaked (its relative position, 0 to
 * 1) beside its `stability`; not a confidence, so it is left out of the signals and splits the buckets.
 */
export const peakPositionScorer = "stability:peak-position";

/** Where a peak counts as early: before half of the trace (`tokenInstability`'s default). */
const earlyBefore = 0.5;

/**
 * Significant digits at which peaks are compared when cut into instability buckets, and shown: identical
 * traces can differ in their last digits (1.3866514 against 1.3866570), and should share a bucket.
 */
export const peakDigits = 4;

/** A peak as instability buckets compare it: rounded to `peakDigits` significant digits. */
function peakKey(peak: number): number {
  return Number(peak.toPrecision(peakDigits));
}

function meanLogprobOf(sample: SampleRecord): number | undefined {
  const tokens = sample.completionTokens;
  return sample.logprob === undefined || tokens === undefined || tokens <= 0
    ? undefined
    : sample.logprob / tokens;
}

/** Every signal of a sample by name, in a fixed order: log-probabilities first, then scores. */
function signalsOf(sample: SampleRecord): [string, number][] {
  const signals: [string, number][] = [];
  const mean = meanLogprobOf(sample);
  if (mean !== undefined) signals.push(["mean logprob", mean]);
  if (sample.logprob !== undefined) signals.push(["logprob", sample.logprob]);
  for (const [scorer, value] of Object.entries(sample.scores ?? {}))
    if (Number.isFinite(value) && scorer !== peakPositionScorer) signals.push([scorer, value]);
  return signals;
}

function signalRows(strategy: string | undefined, samples: readonly SampleRecord[]): SignalAuroc[] {
  const bySignal = new Map<string, { score: number; positive: boolean }[]>();
  for (const sample of samples) {
    for (const [signal, value] of signalsOf(sample)) {
      const items = bySignal.get(signal) ?? [];
      items.push({ score: -value, positive: !sample.correct });
      bySignal.set(signal, items);
    }
  }
  return [...bySignal].map(([signal, items]) => ({
    strategy,
    signal,
    candidates: items.length,
    wrong: items.filter((item) => item.positive).length,
    auroc: areaUnderRoc(items),
  }));
}

function reliabilityOf(
  confidence: string,
  predictions: readonly { confidence: number; correct: boolean }[],
  bins: number,
): ConfidenceReliability[] {
  if (predictions.length === 0) return [];
  const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
  return [
    {
      confidence,
      candidates: predictions.length,
      meanConfidence: sum(predictions.map((prediction) => prediction.confidence)) / predictions.length,
      accuracy: predictions.filter((prediction) => prediction.correct).length / predictions.length,
      calibration: calibration(predictions, bins),
    },
  ];
}

function instabilityBuckets(samples: readonly SampleRecord[], buckets: number): InstabilityBucket[] {
  const traces = samples
    .flatMap((sample) => {
      const score = sample.scores?.[stabilityScorer];
      if (score === undefined || !(score > 0)) return [];
      return [
        { peak: -Math.log(score), position: sample.scores?.[peakPositionScorer], correct: sample.correct },
      ];
    })
    .sort((a, b) => a.peak - b.peak);
  const share = (group: readonly { correct: boolean }[]): PeakPhaseShare => ({
    candidates: group.length,
    accuracy: group.length === 0 ? undefined : group.filter((trace) => trace.correct).length / group.length,
  });
  if (traces.length === 0) return [];
  const cuts = quantileCuts(
    traces.map((trace) => peakKey(trace.peak)),
    Math.min(buckets, traces.length),
  );
  return cuts.slice(1).map((end, index) => {
    const group = traces.slice(cuts[index], end);
    const placed = group.filter((trace) => trace.position !== undefined);
    return {
      bucket: index + 1,
      lowerPeak: group[0]?.peak ?? 0,
      meanPeak: group.reduce((sum, trace) => sum + trace.peak, 0) / group.length,
      upperPeak: group.at(-1)?.peak ?? 0,
      candidates: group.length,
      accuracy: group.filter((trace) => trace.correct).length / group.length,
      ...(placed.length === 0
        ? {}
        : {
            early: share(placed.filter((trace) => trace.position! < earlyBefore)),
            late: share(placed.filter((trace) => trace.position! >= earlyBefore)),
          }),
    };
  });
}

/**
 * Confidence and calibration of a run's sampled candidates, from what the store keeps per sample (its
 * summed log-probability, its completion tokens and its scores by scorer; per-token data is not stored):
 *
 * - for each strategy and signal (mean log-probability, summed log-probability, each stored score such as
 *   DeepConf's `deepconf:lowest-group` or `self-certainty`), the AUROC of the negated signal for predicting
 *   a wrong answer; a row for every strategy's candidates together when more than one strategy has it;
 * - the reliability bins and expected calibration error of `exp(mean logprob)` and `exp(logprob)` taken as
 *   the probability that the candidate is right, over every candidate with a log-probability;
 * - accuracy by peak-instability quintile when candidates carry a `stability` score (`stabilityScore`,
 *   `exp(−peak)`), the peak recovered as `−ln score`; within each bucket, early against late peaks when the
 *   run stored peak positions (`stability:peak-position`).
 *
 * Candidates the strategy cut short (finish reason `cut`, an online cut of DeepConf or `stability@NcT`) are
 * left out of all of it and counted per strategy in `cut`: their signals describe the tokens up to the
 * cut, which the cut itself chose (a low confidence, a late instability peak). Equal peaks share an
 * instability bucket, compared at `peakDigits` significant digits.
 *
 * `undefined` when no candidate that ran to its end has any signal (a run sampled without
 * log-probabilities or scores).
 *
 * @example
 * const confidence = confidenceCalibration(loadRun("runs/lab"));
 * confidence?.reliability[0]?.calibration.expectedCalibrationError; // e.g. 0.21
 */
export function confidenceCalibration(
  run: RunData,
  options: ConfidenceCalibrationOptions = {},
): ConfidenceCalibration | undefined {
  const bins = options.bins ?? 10;
  const strategies = strategyOrder(run);
  const samples = run.samples.filter((sample) => sample.finishReason !== "cut");
  const signals: SignalAuroc[] = [];
  for (const strategy of strategies)
    signals.push(
      ...signalRows(
        strategy,
        samples.filter((sample) => sample.strategy === strategy),
      ),
    );
  if (signals.length === 0) return undefined;
  const cut = strategies.flatMap((strategy): CutCandidates[] => {
    const candidates = run.samples.filter(
      (sample) =>
        sample.strategy === strategy && sample.finishReason === "cut" && signalsOf(sample).length > 0,
    ).length;
    return candidates === 0 ? [] : [{ strategy, candidates }];
  });
  const pooled = signalRows(undefined, samples).filter(
    (row) => signals.filter((entry) => entry.signal === row.signal).length > 1,
  );
  signals.push(...pooled);

  const withMean = samples.flatMap((sample) => {
    const mean = meanLogprobOf(sample);
    return mean === undefined ? [] : [{ confidence: Math.exp(mean), correct: sample.correct }];
  });
  const withSum = samples.flatMap((sample) =>
    sample.logprob === undefined ? [] : [{ confidence: Math.exp(sample.logprob), correct: sample.correct }],
  );
  return {
    signals,
    reliability: [
      ...reliabilityOf("exp(mean logprob)", withMean, bins),
      ...reliabilityOf("exp(logprob)", withSum, bins),
    ],
    instability: instabilityBuckets(samples, options.instabilityBuckets ?? 5),
    cut,
  };
}
