"""Fuzz the ISO 2709 readers: good + mutated + good records, do both good ones come back intact?

`python bench/fuzz.py --seconds 60` — bounded in time, not part of `make test`. Each case takes
two good records of a real file and a third one mutated (bytes changed, inserted or deleted,
terminators among them), reads the three as one file through the registry's reader, and counts a
loss when either good record is missing or differs from the same record read alone. Results in
bench/README.md. Only UNIMARC and MARC21 ISO 2709 are covered so far (the XML and text readers
are not).
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from catalogue import formats, iso2709
from catalogue.record import Record

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
SAMPLES = {
    "unimarc": FIXTURES / "unimarc" / "medialab_cotes8.mrc",
    "marc21": FIXTURES / "marc21" / "solrmarc_uva_001-200.mrc",
}
SPECIAL = (0x1D, 0x1E, 0x1F, 0x30, 0xC2, 0xA0)  # terminators, a digit, a diacritic, NBSP


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        where = rng.randrange(len(out) + 1)
        byte = rng.choice(SPECIAL) if rng.random() < 0.5 else rng.randrange(256)
        action = rng.randrange(3)
        if action == 0 and where < len(out):
            out[where] = byte
        elif action == 1:
            out[where:where] = bytes([byte])
        elif where < len(out):
            del out[where]
    return bytes(out)


def _key(record: Record) -> str:
    return repr((record.source_id, record.title, record.original.marc))


def run_case(fmt: str, chunks: list[bytes], rng: random.Random) -> bool:
    """True when both good records come back intact."""
    reader = formats.get(fmt)
    first, bad, last = rng.sample(chunks, 3)
    alone = [next(iter(reader.read(c))) for c in (first, last)]
    got = [r for r in reader.read(first + mutate(bad, rng) + last) if isinstance(r, Record)]
    keys = {_key(r) for r in got}
    return all(isinstance(a, Record) and _key(a) in keys for a in alone)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    chunks = {fmt: [c for _, _, c in iso2709.split(p.read_bytes())] for fmt, p in SAMPLES.items()}
    stats = {fmt: [0, 0] for fmt in SAMPLES}  # cases, losses
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        for fmt in SAMPLES:
            stats[fmt][0] += 1
            if not run_case(fmt, chunks[fmt], rng):
                stats[fmt][1] += 1
    for fmt, (cases, losses) in stats.items():
        print(f"{fmt}: {cases} cases, {losses} with a good record lost")


if __name__ == "__main__":
    main()
