"""``python -m course_utils.pretrain NAME [options]``: train a registered model, write its weights and card."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import REGISTRY, command_line, default_out, get, write_card


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.pretrain",
        description="Produce a shipped pretrained weight file and its JSON card, deterministically.")
    sub = parser.add_subparsers(dest="name", metavar="NAME", required=True,
                                help=f"the model to train: {', '.join(sorted(REGISTRY))}")
    for name in sorted(REGISTRY):
        module = get(name)
        p = sub.add_parser(name, help=module.DESCRIPTION, description=module.DESCRIPTION)
        p.add_argument("--out", type=Path, default=None,
                       help="folder for the weight file and its card (default: the repository's data/)")
        module.add_arguments(p)
    return parser


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args.out = Path(args.out) if args.out is not None else default_out()
    args.command = command_line(args.name, argv[1:])
    card = get(args.name).run(args)
    path = write_card(args.out / f"{card['stem']}.json", card)
    print(f"wrote {args.out / card['file']} ({card['file_mb']:.2f} MB) and {path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
