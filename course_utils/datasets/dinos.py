"""Dinosaur genus names, the training data of notebook 17 (a character-level language model).

Introduced in notebook 17. The names ship with the repository in ``data/dinos.txt`` (1,318 real genus
names, lowercase, one per line; ``data/dinos.README.md`` says where they come from and under which
licence). Nothing is downloaded.

- :func:`load_dinos` returns the names as a list of strings;
- :func:`build_vocabulary` gives the two lookup tables of the model, ``char_to_ix`` and ``ix_to_char``:
  the newline ``"\\n"`` (index 0, it ends every name) and the letters ``a`` to ``z`` (indices 1 to 26);
- :func:`encode` and :func:`decode` turn a name into its list of indices and back.

A file of your own (for instance another list of names, one per line) can be given as ``path``; its
lines are stripped and lowercased, and empty lines are skipped.
"""

from __future__ import annotations

from pathlib import Path

from .. import config

__all__ = ["DINOS_FILE", "dinos_path", "load_dinos", "build_vocabulary", "encode", "decode"]

#: The file name, looked up in ``config.DATA_DIR`` (``COURSE_DATA_DIR``) first, then in the repository's data/.
DINOS_FILE = "dinos.txt"
_SHIPPED = config.REPO_DIR / "data" / DINOS_FILE


def dinos_path() -> Path:
    """Where the names are read from: ``DATA_DIR/dinos.txt`` if it exists, else the shipped file."""
    candidate = config.DATA_DIR / DINOS_FILE
    return candidate if candidate.exists() else _SHIPPED


def load_dinos(path=None) -> list[str]:
    """The dinosaur names, lowercase, in the file's order (one name per line).

    ``path`` reads another file with one name per line instead (stripped, lowercased, empty lines
    skipped).
    """
    path = Path(path) if path is not None else dinos_path()
    if not path.exists():
        raise FileNotFoundError(
            f"no list of names at {path}: the course ships data/{DINOS_FILE} in its repository; "
            "give load_dinos(path=...) a text file with one name per line")
    names = [line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines()]
    names = [name for name in names if name]
    if not names:
        raise ValueError(f"{path} holds no names (one name per line expected)")
    return names


def build_vocabulary(names) -> tuple[dict[str, int], dict[int, str]]:
    """``(char_to_ix, ix_to_char)`` over the characters of ``names`` plus the newline that ends each name.

    Characters are numbered in sorted order, so ``"\\n"`` gets 0; for the dinosaur names the letters
    ``a`` .. ``z`` get 1 .. 26 (27 characters in all).
    """
    chars = sorted(set("".join(names)) | {"\n"})
    char_to_ix = {ch: i for i, ch in enumerate(chars)}
    ix_to_char = {i: ch for i, ch in enumerate(chars)}
    return char_to_ix, ix_to_char


def encode(name: str, char_to_ix: dict[str, int]) -> list[int]:
    """The indices of the characters of ``name`` (no newline added)."""
    try:
        return [char_to_ix[ch] for ch in name]
    except KeyError as exc:
        raise ValueError(f"{name!r} has the character {exc.args[0]!r}, which is not in the vocabulary") from None


def decode(indices, ix_to_char: dict[int, str]) -> str:
    """The string of the characters at ``indices`` (a final newline is kept if present)."""
    return "".join(ix_to_char[int(i)] for i in indices)
