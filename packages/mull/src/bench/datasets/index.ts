export type { BenchDataset, BenchProblem } from "./bench-dataset.ts";
export { type BuiltinDatasetFormat, builtinDatasetFormats } from "./builtin-dataset-formats.ts";
export { DatasetError } from "./dataset-error.ts";
export { datasetPromptTemplate } from "./dataset-prompt-template.ts";
export {
  defaultDataDir,
  describeDefaultDataDir,
  projectDataDir,
  sharedDataDir,
} from "./default-data-dir.ts";
export { describeRowValue } from "./describe-row-value.ts";
export { type LoadDatasetOptions, loadDataset } from "./load-dataset.ts";
export {
  type DatasetFile,
  defaultMaxLineBytes,
  type JsonRow,
  type ReadJsonRowsOptions,
  readDatasetFile,
  readJsonRows,
} from "./read-json-rows.ts";
