"""Moved to `catalogue.marc.iso5426`; this name stays for code written before the move."""

from catalogue.marc.iso5426 import (
    CHARACTERS,
    DIACRITICS,
    UNASSIGNED_BYTE,
    UNKNOWN,
    decode,
    decode_text,
    encode,
    unknown_byte_warnings,
)

__all__ = [
    "CHARACTERS",
    "DIACRITICS",
    "UNASSIGNED_BYTE",
    "UNKNOWN",
    "decode",
    "decode_text",
    "encode",
    "unknown_byte_warnings",
]
