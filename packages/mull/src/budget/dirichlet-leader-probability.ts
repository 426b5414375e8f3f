import { checkInteger } from "../runtime/index.ts";

/**
 * The 15-point Gauss–Kronrod rule and its embedded 7-point Gauss rule on [−1, 1] (QUADPACK's qk15):
 * nodes from the outside in, the last one 0; the Gauss nodes are every other one, from the second.
 */
const kronrodNodes = [
  0.9914553711208126, 0.9491079123427585, 0.8648644233597691, 0.7415311855993945, 0.5860872354676911,
  0.4058451513773972, 0.20778495500789848, 0,
];
const kronrodWeights = [
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019, 0.14065325971552592, 0.1690047266392679,
  0.19035057806478542, 0.20443294007529889, 0.20948214108472782,
];
const gaussWeights = [0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694];

/** How far the integral may be off, in probability: far below any threshold short of 1. */
const tolerance = 1e-13;
/** Standard deviations of a Gamma kept on either side of its mean; the mass left out is below 1e-20. */
const spread = 12;
/** Added above that, for the exponential tail of a small shape: e^−45 is below 1e-19. */
const margin = 45;
/** The most panels the integral is split into, however rough the integrand looks. */
const largestPanelCount = 20_000;

/** log(k!) for k = 0 … largest. */
function logFactorials(largest: number): Float64Array {
  const table = new Float64Array(largest + 1);
  for (let k = 1; k <= largest; k += 1) table[k] = table[k - 1]! + Math.log(k);
  return table;
}

/**
 * The integrand of the risk: the density of the leader's Gamma(leaderShape) at x, times the probability
 * that at least one rival's Gamma exceeds x. Each rival shape s is an integer, so P(Gamma(s) > x) is the
 * Poisson sum e^(−x) Σ_{k<s} x^k / k!, computed from its largest term outwards so that it neither
 * overflows nor underflows where it matters.
 */
function riskDensity(
  leaderShape: number,
  rivals: readonly { readonly shape: number; readonly count: number }[],
  logFactorial: Float64Array,
  scratch: Float64Array,
): (x: number) => number {
  const largestShape = rivals.at(-1)?.shape ?? 1;
  return (x) => {
    const logX = Math.log(x);
    const density = Math.exp((leaderShape - 1) * logX - x - logFactorial[leaderShape - 1]!);
    if (density === 0) return 0;
    // Terms x^k / k! relative to the largest one among k < largestShape.
    const top = Math.min(largestShape - 1, Math.floor(x));
    const logTop = -x + top * logX - logFactorial[top]!;
    scratch[top] = 1;
    for (let k = top; k > 0; k -= 1) scratch[k - 1] = (scratch[k]! * k) / x;
    for (let k = top; k < largestShape - 1; k += 1) scratch[k + 1] = (scratch[k]! * x) / (k + 1);
    const scale = Math.exp(logTop);
    let logAllBelow = 0;
    let sum = 0;
    let summed = 0;
    for (const { shape, count } of rivals) {
      for (; summed < shape; summed += 1) sum += scratch[summed]!;
      const above = Math.min(1, scale * sum);
      logAllBelow += count * Math.log1p(-above);
    }
    return density * -Math.expm1(logAllBelow);
  };
}

/** One Gauss–Kronrod panel: the Kronrod estimate and its distance from the Gauss one. */
function panel(integrand: (x: number) => number, from: number, to: number): [number, number] {
  const half = (to - from) / 2;
  const middle = from + half;
  let kronrod = 0;
  let gauss = 0;
  for (const [index, node] of kronrodNodes.entries()) {
    const values =
      node === 0 ? integrand(middle) : integrand(middle - half * node) + integrand(middle + half * node);
    kronrod += kronrodWeights[index]! * values;
    if (index % 2 === 1) gauss += gaussWeights[(index - 1) / 2]! * values;
  }
  return [kronrod * half, Math.abs(kronrod - gauss) * half];
}

/**
 * The posterior probability that the leading answer's share is NOT the largest, under a Dirichlet
 * posterior over the answers' shares: a uniform prior (Dirichlet(1, …, 1)) over every answer in `votes`,
 * updated by their counts. With fewer than two answers, a rival without votes stands in, as in the Beta
 * rule. The leader is the answer with the most votes; its share is the largest exactly when its Gamma
 * variable (of shape votes + 1, the shares' common construction) beats every rival's, so the risk is the
 * one-dimensional integral ∫ f_leader(x) · P(some rival's Gamma > x) dx, computed by adaptive
 * Gauss–Kronrod quadrature to about 1e-13. With two answers it equals `leaderRisk(leader, runnerUp)`;
 * every further answer can only raise it.
 *
 * @param votes Vote counts per answer, non-negative integers, in any order.
 * @throws ConfigError for a count that is not a non-negative integer.
 * @example
 * dirichletLeaderRisk([4, 0]); // 1/32, as leaderRisk(4, 0)
 * dirichletLeaderRisk([5, 3, 3]); // above leaderRisk(5, 3): two rivals can each overtake the leader
 */
export function dirichletLeaderRisk(votes: readonly number[]): number {
  for (const [index, count] of votes.entries()) {
    checkInteger("dirichletLeaderRisk", `votes[${index}]`, count, { minimum: 0 });
  }
  const counts = [...votes, 0, 0].sort((a, b) => b - a).slice(0, Math.max(2, votes.length));
  const leaderShape = counts[0]! + 1;
  const byShape = new Map<number, number>();
  for (const count of counts.slice(1)) byShape.set(count + 1, (byShape.get(count + 1) ?? 0) + 1);
  const rivals = [...byShape].map(([shape, count]) => ({ shape, count })).sort((a, b) => a.shape - b.shape);
  const logFactorial = logFactorials(leaderShape);
  const integrand = riskDensity(leaderShape, rivals, logFactorial, new Float64Array(leaderShape));
  const deviation = Math.sqrt(leaderShape);
  const from = Math.max(0, leaderShape - spread * deviation);
  const to = leaderShape + spread * deviation + margin;
  // The narrowest feature is the rise of the smallest shape whose Gamma is not already ~0 above `from`,
  // about its standard deviation wide.
  const narrowest = Math.min(
    leaderShape,
    ...rivals
      .filter(({ shape }) => shape + spread * Math.sqrt(shape) + margin >= from)
      .map(({ shape }) => shape),
  );
  const width = 2 * Math.sqrt(narrowest);
  const pending: [number, number][] = [];
  const first = Math.ceil((to - from) / width);
  for (let index = 0; index < first; index += 1) {
    pending.push([from + ((to - from) * index) / first, from + ((to - from) * (index + 1)) / first]);
  }
  let risk = 0;
  let panels = first;
  while (pending.length > 0) {
    const [left, right] = pending.pop()!;
    const [estimate, error] = panel(integrand, left, right);
    const allowed = (tolerance * (right - left)) / (to - from);
    if (error <= allowed || panels >= largestPanelCount) {
      risk += estimate;
    } else {
      const middle = (left + right) / 2;
      pending.push([left, middle], [middle, right]);
      panels += 1;
    }
  }
  return Math.min(1, Math.max(0, risk));
}

/**
 * The posterior probability that the leading answer's share is the largest of all the answers' (the
 * Dirichlet criterion of Adaptive-Consistency, Aggarwal et al. 2023), that is 1 − `dirichletLeaderRisk`.
 *
 * @example
 * dirichletLeaderProbability([4, 0]); // 0.96875, as leaderProbability(4, 0)
 * dirichletLeaderProbability([4, 1, 1]); // below leaderProbability(4, 1)
 */
export function dirichletLeaderProbability(votes: readonly number[]): number {
  return 1 - dirichletLeaderRisk(votes);
}
