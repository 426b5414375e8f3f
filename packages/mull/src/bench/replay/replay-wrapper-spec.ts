import { wordList } from "../../runtime/index.ts";

/**
 * The live adaptive wrappers replay reads, each with what follows its parentheses and the replay kind it
 * reads as: `asc(INNER)[d][tT]` is `asc@N…`, `esc(INNER)wW` is `esc@NwW`.
 */
export const replayWrappers = [
  { kind: "asc", suffix: "[d][t<threshold>]" },
  { kind: "esc", suffix: "w<window>" },
] as const;

/** The live strategies a replayed wrapper may hold: those that answer by a majority vote (`maj@k`). */
export const replayWrapperInners = ["sc", "maj", "rs"] as const;

/**
 * `asc(INNER)…` and `esc(INNER)wW` with INNER one of `sc@N`, `maj@N`, `rs@N` (case and spaces inside the
 * parentheses ignored), over a lower-cased spec.
 */
const wrapperPattern = new RegExp(
  `^(${replayWrappers.map((wrapper) => wrapper.kind).join("|")})\\(\\s*(?:${replayWrapperInners.join("|")})@(\\d+)\\s*\\)(.*)$`,
);

/** A spec that opens as a wrapper does, whose spaces are then ignored. */
const wrapperOpening = new RegExp(`^(${replayWrappers.map((wrapper) => wrapper.kind).join("|")})\\(`);

/**
 * Each wrapper form replay reads, with the replay spec it reads as, as help and errors list them.
 *
 * @example
 * replayWrapperForms[0]; // { form: "asc(sc@<k>)[d][t<threshold>]", reads: "asc@<k>[d][t<threshold>]" }
 */
export const replayWrapperForms: readonly { readonly form: string; readonly reads: string }[] =
  replayWrappers.flatMap(({ kind, suffix }) =>
    replayWrapperInners.map((inner) => ({
      form: `${kind}(${inner}@<k>)${suffix}`,
      reads: `${kind}@<k>${suffix}`,
    })),
  );

/**
 * The wrapper forms in words, for help: each wrapper around each inner strategy, and the replay kind it is.
 *
 * @example
 * replayWrapperFormsText; // "asc(sc@<k>)[d][t<threshold>], asc(maj@<k>)[d][t<threshold>] and … are asc@<k>[d][t<threshold>]; …"
 */
export const replayWrapperFormsText = replayWrappers
  .map(({ kind }) => {
    const forms = replayWrapperForms.filter((entry) => entry.form.startsWith(`${kind}(`));
    const written = forms.map((entry) => entry.form);
    return `${wordList(written, "and")} are ${forms[0]!.reads}`;
  })
  .join("; ");

/**
 * The replay spec a live adaptive wrapper around a majority vote reads as: `asc(sc@N)…`, `asc(maj@N)…`
 * and `asc(rs@N)…` are `asc@N…` (`d` and `tT` kept), `esc(sc@N)wW` and its kin are `esc@NwW`, as the
 * strategy catalog names them. Any other spec comes back as it is, to be read (or refused) as written.
 * Takes and returns a lower-cased, trimmed spec.
 *
 * @example
 * replayWrapperSpec("asc(maj@8)"); // "asc@8"
 * replayWrapperSpec("asc(sc@16)dt0.99"); // "asc@16dt0.99"
 * replayWrapperSpec("esc(rs@64)w8"); // "esc@64w8"
 * replayWrapperSpec("asc(bon@8)"); // "asc(bon@8)", which replay refuses
 */
export function replayWrapperSpec(text: string): string {
  // Spaces anywhere in a wrapper are ignored, as a live spec ignores them (`asc(sc @8)` is `asc@8`).
  const match = wrapperPattern.exec(wrapperOpening.test(text) ? text.replace(/\s+/g, "") : text);
  if (match === null) return text;
  const [, kind, k, rest] = match;
  return `${kind}@${k}${rest}`;
}
