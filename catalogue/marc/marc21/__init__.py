"""The MARC21 map: MARC21 fields ↔ the Record model, one module per field family with its
`Family`, reader and writer side by side (`crosswalk` lists them as one table).

`from_record` writes a MARC21-origin record as its original fields with the edited families
regenerated (`families.regenerate`). The entry points (read, write) are in `catalogue.marc21`.
"""

from catalogue.marc.marc21.agents import RELATOR_TERMS, RELATOR_TO_UNIMARC, UNIMARC_TO_RELATOR
from catalogue.marc.marc21.common import clean, clean_brackets
from catalogue.marc.marc21.crosswalk import FAMILIES, build, from_record, to_record

__all__ = [
    "FAMILIES",
    "RELATOR_TERMS",
    "RELATOR_TO_UNIMARC",
    "UNIMARC_TO_RELATOR",
    "build",
    "clean",
    "clean_brackets",
    "from_record",
    "to_record",
]
