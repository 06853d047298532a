"""Fuzz every reader: good + mutated + good records, do both good ones come back intact?

`python bench/fuzz.py --seconds 60` (time per format) or `--cases 2000` — not part of `make
test`, which runs a short seeded version (tests/fuzz/). The cases are made by
`tests/fuzz/harness.py`: two good records of a real file around a third one damaged by one to
eight byte edits (the format's delimiters and a stray Latin-1 byte among them), read as one file
through the registry. A loss is a good record missing or changed; it is *silent* when its text is
not even kept in a rejected record of the report. Results in bench/README.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests package

from tests.fuzz.harness import SAMPLES, run_case  # noqa: E402


def fuzz(fmt: str, rng: random.Random, seconds: float, cases: int) -> tuple[int, int, int]:
    """(cases run, cases with a good record lost, of which silently) for one format."""
    sample = SAMPLES[fmt]
    deadline = time.monotonic() + seconds
    run = lost = silent = 0
    while (run < cases) if cases else (time.monotonic() < deadline):
        case = run_case(sample, rng)
        run += 1
        lost += bool(case.lost)
        silent += bool(case.silent)
    return run, lost, silent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="per format")
    parser.add_argument("--cases", type=int, default=0, help="per format (instead of --seconds)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", default=",".join(SAMPLES))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"{'format':<12}{'records':>8}{'cases':>8}{'lost':>7}{'silent':>8}")
    for fmt in args.formats.split(","):
        started = time.monotonic()
        run, lost, silent = fuzz(fmt, rng, args.seconds, args.cases)
        records = len(SAMPLES[fmt].parts[1])
        took = time.monotonic() - started
        print(f"{fmt:<12}{records:>8}{run:>8}{lost:>7}{silent:>8}   ({took:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
