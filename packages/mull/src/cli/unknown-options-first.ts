import type { CommandUnknownOpts } from "@commander-js/extra-typings";

/**
 * Makes a program's commands say an unknown option (with commander's "Did you mean …?") before a missing
 * required one. Commander checks required options first, so `mull bench --datset lab:hard --out runs/x`
 * would say only "required option '--dataset <name>' not specified", hiding the typo that caused it.
 *
 * Before a command with required options parses its arguments, they are parsed on a copy of it (`copyOf`,
 * a fresh command of the same name, so the command's own values are untouched). Where the copy finds an
 * unknown option, the command's missing required options are given a stand-in, so that commander goes on
 * to its unknown-option check, which then fails the parse: the stand-ins never reach an action.
 *
 * @example
 * unknownOptionsFirst(program, (name) => createProgram().commands.find((command) => command.name() === name));
 */
export function unknownOptionsFirst(
  program: CommandUnknownOpts,
  copyOf: (name: string) => CommandUnknownOpts | undefined,
): void {
  program.hook("preSubcommand", (_program, command) => {
    const required = command.options.filter((option) => option.mandatory);
    if (required.length === 0) return;
    const copy = copyOf(command.name());
    if (copy === undefined) return;
    // A bad value is said by the command's own parse, once: the copy says nothing.
    copy.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
    let unknown: string[];
    try {
      ({ unknown } = copy.parseOptions(program.args.slice(1)));
    } catch {
      return;
    }
    if (unknown.length === 0) return;
    for (const option of required) {
      const key = option.attributeName();
      if (copy.getOptionValue(key) === undefined) command.setOptionValueWithSource(key, "", "default");
    }
  });
}
