"""`python -m zoo [FOLDER ...] [--into DIR]`: build the missing or stale stand-ins, one line per step.

With no FOLDER it builds them all (`make prepare`). With FOLDERs it builds those and what they start
from (`utils.hub.checkpoint` runs it for one folder, the first time a notebook asks for it).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from utils.environment import hide_head_notices, quiet_start
from utils.hub import CHECKPOINTS_DIR
from zoo import RECIPES, with_prerequisites
from zoo.fingerprints import build_if_stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zoo", description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", metavar="FOLDER", help=f"one of: {', '.join(RECIPES)} (default: all)")
    parser.add_argument(
        "--into", type=Path, default=CHECKPOINTS_DIR, help="where the folders go (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.folders) - set(RECIPES))
    if unknown:
        parser.error(f"no recipe for {', '.join(unknown)}; known folders: {', '.join(RECIPES)}")
    quiet_start()
    hide_head_notices()  # the recipes put new heads on pretrained bodies on purpose
    started = time.perf_counter()
    for folder in with_prerequisites(args.folders or list(RECIPES)):
        build_if_stale(RECIPES[folder], args.into / folder)
    print(f"[zoo] checkpoints ready in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
