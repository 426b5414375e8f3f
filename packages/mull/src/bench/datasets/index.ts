export type { BenchDataset, BenchProblem } from "./bench-dataset.ts";
export { type BuiltinDatasetFormat, builtinDatasetFormats } from "./builtin-dataset-formats.ts";
export { DatasetError } from "./dataset-error.ts";
export { defaultDataDir, type LoadDatasetOptions, loadDataset } from "./load-dataset.ts";
export {
  defaultMaxLineBytes,
  type JsonRow,
  type ReadJsonRowsOptions,
  readJsonRows,
} from "./read-json-rows.ts";
