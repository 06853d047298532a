"""Text readers benchmark: the cost of deciding the charset where a file's bytes disagree, and
of the ISBN/ISSN check every saved record goes through.

    python bench/textread.py [--copies 2000]

Files are made from the real CSV fixtures repeated `copies` times (about 6 MB at 2000): the
UTF-8 sheet, the same with one Latin-1 byte in the middle, and Excel's cp1252 sheet. The check
is timed on the 3,064 real UNIMARC records of medialab_periouni.mrc.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalogue import csvfile, formats  # noqa: E402
from catalogue.charset import decode_text  # noqa: E402
from catalogue.errors import RecordError  # noqa: E402
from catalogue.identifiers import check_identifiers  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=2000)
    copies = parser.parse_args().copies
    utf8 = (FIXTURES / "csv" / "notices_excel_utf8_bom.csv").read_bytes()[3:]
    header, _, body = utf8.partition(b"\n")
    big = header + b"\n" + body * copies
    stray = big[: len(big) // 2] + b"\xe9" + big[len(big) // 2 :]
    cp1252 = (FIXTURES / "csv" / "notices_excel_cp1252.csv").read_bytes()
    cp_header, _, cp_body = cp1252.partition(b"\n")
    cp_big = cp_header + b"\n" + cp_body * copies
    print("| file | size | decode_text | csvfile.read (all rows) |")
    print("|---|---|---|---|")
    for name, data in (("UTF-8", big), ("UTF-8, one Latin-1 byte", stray), ("cp1252", cp_big)):
        decode = best_of(3, lambda d=data: decode_text(d))
        start = time.perf_counter()
        rows = sum(1 for _ in csvfile.read(data))
        read = time.perf_counter() - start
        print(
            f"| {name} | {len(data) / 1e6:.1f} MB | {decode * 1000:.0f} ms | "
            f"{read:.1f} s, {rows / read:,.0f} rows/s |"
        )
    data = (FIXTURES / "unimarc" / "medialab_periouni.mrc").read_bytes()
    records = [r for r in formats.get("unimarc").read(data) if not isinstance(r, RecordError)]
    check = best_of(5, lambda: [check_identifiers(r) for r in records])
    print(f"\ncheck_identifiers: {check / len(records) * 1e6:.0f} µs a record ({len(records)})")


if __name__ == "__main__":
    main()
