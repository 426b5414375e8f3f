/**
 * The points no other point dominates, where fewer tokens and higher accuracy are better: a point is
 * dominated when another has tokens ≤ and accuracy ≥ with at least one strict. Points with a non-finite
 * coordinate are left out. The front is returned sorted by tokens (then by accuracy, descending); equal
 * points are all kept.
 *
 * @example
 * const front = paretoFront(points, (point) => point.tokens, (point) => point.accuracy);
 */
export function paretoFront<Point>(
  points: readonly Point[],
  tokens: (point: Point) => number,
  accuracy: (point: Point) => number,
): Point[] {
  const usable = points.filter((point) => Number.isFinite(tokens(point)) && Number.isFinite(accuracy(point)));
  const front = usable.filter(
    (point) =>
      !usable.some(
        (other) =>
          tokens(other) <= tokens(point) &&
          accuracy(other) >= accuracy(point) &&
          (tokens(other) < tokens(point) || accuracy(other) > accuracy(point)),
      ),
  );
  return front.sort((first, second) => tokens(first) - tokens(second) || accuracy(second) - accuracy(first));
}
