/**
 * The eleven strategies of the default `mull lab` run, in its order: the report's hardest case for
 * colours and widths. `cli/commands/lab.test.ts` checks it equals `defaultLabStrategies`.
 */
export const labRunStrategies: readonly string[] = [
  "greedy",
  "sc@4",
  "sc@8",
  "sc@16",
  "asc@16",
  "mass@16",
  "mass@5g",
  "cascade-mass@2x8",
  "gen@8+rank-lp@4+vote",
  "bon@16",
  "pf@8",
];
