/**
 * The first model a route names more than once (`lab-small>lab-small`), or `undefined` when its models
 * all differ. A route hands work from one model to another, so a model named twice routes nowhere.
 *
 * @example
 * repeatedRouteModel(["lab-small", "lab-large"]); // undefined
 * repeatedRouteModel(["lab-small", "lab-large", "lab-small"]); // "lab-small"
 */
export function repeatedRouteModel(route: readonly string[]): string | undefined {
  return route.find((name, index) => route.indexOf(name) !== index);
}
