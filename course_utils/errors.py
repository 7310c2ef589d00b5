"""Friendly errors for unfinished exercises (installed by ``setup()``).

Introduced in notebook 01. In an exercise notebook, a graded function still
raises ``NotImplementedError`` until the learner writes it. Any later cell
that calls it would print a long traceback; instead this handler prints one
short line naming the exercise. A ``NameError`` caused by a cell that stopped
for that reason (a variable that was never assigned) says so too. Every other
error shows IPython's normal traceback.
"""

from __future__ import annotations

import traceback

_UNFINISHED: list[str] = []  # exercise functions seen raising NotImplementedError, in order

YELLOW, RESET = "\x1b[33m", "\x1b[0m"


def unfinished_name(tb) -> str | None:
    """Name of the function that raised ``NotImplementedError`` (the innermost frame)."""
    frames = list(traceback.walk_tb(tb))
    if not frames:
        return None
    return frames[-1][0].f_code.co_name


def message_for(exc: BaseException) -> str | None:
    """The one-line message for ``exc``, or None when the normal traceback should show."""
    if isinstance(exc, NotImplementedError):
        name = unfinished_name(exc.__traceback__)
        if name and name != "<module>":
            if name not in _UNFINISHED:
                _UNFINISHED.append(name)
            return (f"`{name}` is not implemented yet: finish that exercise above, "
                    "run its cell, then run this cell again.")
        return None
    if isinstance(exc, NameError) and _UNFINISHED:
        names = ", ".join(f"`{n}`" for n in _UNFINISHED)
        return (f"{exc}: an earlier cell stopped because {names} "
                f"{'is' if len(_UNFINISHED) == 1 else 'are'} not implemented yet. "
                "Finish the exercise(s), then run the cells above again.")
    return None


def mark_done(name: str) -> None:
    """Forget that ``name`` was unfinished (called when its check passes)."""
    if name in _UNFINISHED:
        _UNFINISHED.remove(name)


def _handler(shell, etype, value, tb, tb_offset=None):
    text = message_for(value)
    if text is None:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None
    shell._showtraceback(etype, value, [f"{YELLOW}{etype.__name__}: {text}{RESET}"])
    return None


def install() -> bool:
    """Register the handler in the running IPython kernel; False outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((NotImplementedError, NameError), _handler)
    return True
