"""The scripts that produce every shipped weight file: ``python -m course_utils.pretrain NAME``.

Introduced in notebook 12 (residual networks). Each pretrained model of the course has one
module here, registered in :data:`REGISTRY` (one line per model). A module provides

- ``DESCRIPTION``: one line for ``--help``;
- ``add_arguments(parser)``: its options (``--epochs``, ...), on top of the common ``--out``;
- ``run(args, log=print) -> dict``: trains deterministically, writes ``<out>/<stem>.<ext>`` and
  returns the JSON card, which :func:`main` writes beside it as ``<out>/<stem>.json``.

The common helpers (:func:`machine`, :func:`write_card`, :func:`command_line`) keep the cards
alike: data and generator version, seed, epochs, metrics, wall time, machine, file size.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
from pathlib import Path

#: name -> module that trains it. Adding a model is one line here.
REGISTRY = {
    "resnet50": "course_utils.pretrain.resnet50",
    "facenet": "course_utils.pretrain.facenet",
    "vgg_compact": "course_utils.pretrain.vgg_compact",
    "yolo": "course_utils.pretrain.yolo",
}


def default_out() -> Path:
    """Where shipped weights live: the repository's ``data/`` folder."""
    from .. import config

    return config.REPO_DIR / "data"


def get(name: str):
    """The module registered as ``name``; a clear error for an unknown name."""
    if name not in REGISTRY:
        raise KeyError(f"unknown pretrained model {name!r}; known: {', '.join(sorted(REGISTRY))}")
    return importlib.import_module(REGISTRY[name])


def machine() -> dict:
    """Where the run happened: CPU model and cores, load, Python and library versions, GPU if any."""
    info = {"platform": platform.platform(), "python": platform.python_version(), "cpu_count": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        info["cpu"] = platform.processor() or "unknown"
    try:
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    for module in ("numpy", "tensorflow", "keras"):
        if module in sys.modules:
            info[module] = getattr(sys.modules[module], "__version__", "?")
    if "tensorflow" in sys.modules:
        gpus = sys.modules["tensorflow"].config.list_physical_devices("GPU")
        info["gpu"] = [g.name for g in gpus] or None
    return info


def command_line(name: str, argv) -> str:
    """The command that reproduces a run, as a user would type it."""
    return " ".join(["python -m course_utils.pretrain", name, *map(str, argv)])


def write_card(path, card: dict) -> Path:
    """Write the JSON card (sorted keys, 2-space indent, trailing newline) atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)
    return path
