// Acklam's rational approximations of the inverse normal distribution, central region and tails.
const central = {
  numerator: [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ],
  denominator: [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ],
};
const tail = {
  numerator: [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ],
  denominator: [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416],
};
const centralBound = 0.02425;

function polynomial(coefficients: readonly number[], x: number): number {
  return coefficients.reduce((sum, coefficient) => sum * x + coefficient, 0);
}

/** The lower tail's quantile, for p in (0, centralBound). */
function lowerTail(p: number): number {
  const q = Math.sqrt(-2 * Math.log(p));
  return polynomial(tail.numerator, q) / (polynomial(tail.denominator, q) * q + 1);
}

/**
 * The standard normal distribution's quantile (inverse CDF) at p in (0, 1), to about 1e-9 relative
 * error (Acklam's approximation): `normalQuantile(0.975)` ≈ 1.959964. `NaN` outside (0, 1).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return Number.NaN;
  if (p < centralBound) return lowerTail(p);
  if (p > 1 - centralBound) return -lowerTail(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (polynomial(central.numerator, r) * q) / (polynomial(central.denominator, r) * r + 1);
}
