"""The arguments of a resumed run (`train.py --resume DIR`): the ones saved in DIR/resume.pt, with only the
options typed again on the command line among those a resumed run may change (RESUMABLE_OPTIONS). An option
left out keeps its saved value, not the parser's default; any other option typed with --resume is a usage
error, exit status 2, naming it:

    train.py: error: argument --steps: cannot be given with --resume, got 5; a resumed run continues with its saved arguments, and only --stop-at, ... may be given again

Nothing here imports torch: the refusal comes before torch loads, the saved arguments are read by train.py.
"""

import argparse

# Options that may change when a run is resumed; every other argument comes from the checkpoint.
# A run may move between machines (--device), at the price of bit-identical weights.
RESUMABLE_OPTIONS = ["stop_at", "stop_after_minutes", "checkpoint_every", "log_every", "eval_every", "eval_count", "device"]


def flag(option):
    """The command-line flag of an argument (`stop_at` → `--stop-at`)."""
    return "--" + option.replace("_", "-")


def defaults_of(parser):
    """Every argument of `parser` with its default value."""
    return vars(parser.parse_known_args([])[0])


def typed_options(parser, argv):
    """The options typed in `argv`, by argument name, with their checked values: `argv` read again into a
    namespace that already holds a marker for every argument, which argparse leaves where no option sets
    it, so that an option left out is absent rather than its default (and one typed with its default value
    is present)."""
    untyped = object()
    namespace = argparse.Namespace(**{option: untyped for option in defaults_of(parser)})
    parsed = vars(parser.parse_args(argv, namespace=namespace))
    return {option: value for option, value in parsed.items() if value is not untyped}


def refuse_fixed_options(parser, typed):
    """Refuses, as a usage error, options typed with --resume that a resumed run cannot change (the model's
    shape, the schedule, the task, the seed, ...): they would otherwise be ignored for the saved ones."""
    fixed = [option for option in typed if option not in RESUMABLE_OPTIONS and option != "resume"]
    if not fixed:
        return
    allowed = ", ".join(flag(option) for option in RESUMABLE_OPTIONS[:-1]) + f" or {flag(RESUMABLE_OPTIONS[-1])}"
    if len(fixed) == 1:
        named, got = f"argument {flag(fixed[0])}", repr(typed[fixed[0]])
    else:
        named = "arguments " + ", ".join(flag(option) for option in fixed)
        got = ", ".join(f"{flag(option)} {typed[option]!r}" for option in fixed)
    parser.error(
        f"{named}: cannot be given with --resume, got {got}; a resumed run continues with its saved arguments, "
        f"and only {allowed} may be given again"
    )


def resumed_arguments(parser, saved, typed, folder):
    """The arguments a run resumed from `folder` runs with: the parser's defaults (for an option newer than
    the checkpoint), then the `saved` ones, then the resumable options `typed` again."""
    arguments = defaults_of(parser)
    arguments.update(saved)
    arguments.update({option: typed[option] for option in RESUMABLE_OPTIONS if option in typed})
    arguments.update(out=folder, resume=folder)
    return argparse.Namespace(**arguments)


def check_resumed_device(parser, check_device, arguments, typed):
    """Checks the resumed run's device with `check_device`; a saved device this machine lacks (a run begun
    on a GPU) is refused with the way to move the run here."""
    if "device" in typed:
        check_device(parser, arguments.device)
        return

    class SavedDevice:
        def error(self, message):
            parser.error(f"{message}; the run was saved with --device {arguments.device}: give --device (e.g. cpu) to resume it here")

    check_device(SavedDevice(), arguments.device)
