import { defaultStepFormat, type StepFormat } from "./step-format.ts";

/**
 * Segments a reasoning trace into steps: cut at the format's delimiter, each piece trimmed, empty pieces
 * dropped. A final marker inside a piece (`so it is 12. #### 12`) starts a step of its own, so the
 * `#### answer` line is always the final step. Text after the final step is kept as further steps (a
 * step checker judges it).
 *
 * @example
 * splitSteps("\n30+444=474\n474+273=747\n#### 747"); // ["30+444=474", "474+273=747", "#### 747"]
 */
export function splitSteps(text: string, format: StepFormat = defaultStepFormat): string[] {
  const steps: string[] = [];
  for (const piece of text.split(format.delimiter)) {
    const trimmed = piece.trim();
    if (trimmed.length === 0) continue;
    const marker = trimmed.indexOf(format.finalMarker);
    if (marker > 0) {
      const before = trimmed.slice(0, marker).trim();
      if (before.length > 0) steps.push(before);
      steps.push(trimmed.slice(marker));
    } else {
      steps.push(trimmed);
    }
  }
  return steps;
}
