/**
 * The text a run appends to a model's partial solution to steer its thinking: budget forcing (`force@T`,
 * `extend@MwE`) and live probing (`probe@NkK`) read these from the run's context, which takes them from
 * the model's profile. A cue that begins with whitespace replaces the whitespace the solution ends with.
 */
export interface ThinkingCues {
  /**
   * Appended to a partial solution to make the model answer now; the answer is read with the run's answer
   * format from this cue plus what the model writes after it. The lab's is `\n#### ` (its final-answer
   * line), a model nothing is known about gets `\n\nFinal answer: `.
   */
  readonly answerCue: string;
  /**
   * Appended to a solution that ended too early to make the model think on (s1's "Wait"). The lab's is a
   * newline (its models know no words), a model nothing is known about gets `\nWait`.
   */
  readonly continueCue: string;
}
