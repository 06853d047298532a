"""Moved to `catalogue.marc.iso2709`; this name stays for code written before the move."""

from catalogue.marc.iso2709 import (
    FIELD_TERMINATOR,
    LEADER_LENGTH,
    MAX_FIELD,
    MAX_RECORD,
    RECORD_TERMINATOR,
    SUBFIELD_DELIMITER,
    RawRecord,
    decode_fields,
    encode,
    is_control_tag,
    parse,
    read,
    split,
    write,
    write_raw,
)

__all__ = [
    "FIELD_TERMINATOR",
    "LEADER_LENGTH",
    "MAX_FIELD",
    "MAX_RECORD",
    "RECORD_TERMINATOR",
    "SUBFIELD_DELIMITER",
    "RawRecord",
    "decode_fields",
    "encode",
    "is_control_tag",
    "parse",
    "read",
    "split",
    "write",
    "write_raw",
]
