"""The UNIMARC map: UNIMARC fields ↔ the Record model, one module per field family.

Each family module holds its `Family` declaration (model attributes ↔ tags), its reader(s) and
its writer(s) side by side: `leader` (type ↔ leader/06-08, coded 100/105), `identifiers`
(001, 010-073), `languages` (101, 102), `description` (title 200, edition 205, publication
210/214, physical 215), `series` (225, 410/411, a monograph's 461), `notes` (3xx), `host`
(461/463), `subjects` (600-617, keywords 610, classifications 675-686), `agents` (70x-72x),
`links` (856, 896, 897), `items` (995/996, custom 900); `common` has the shared helpers and
`crosswalk` the table of families with the read dispatch and the write order. The entry points
(read, write) are in `catalogue.unimarc`.
"""

from catalogue.marc.unimarc.common import UTF8_CHARSET
from catalogue.marc.unimarc.crosswalk import UNIMARC_FAMILIES, from_record, to_record
from catalogue.marc.unimarc.subjects import split_keywords

__all__ = ["UNIMARC_FAMILIES", "UTF8_CHARSET", "from_record", "split_keywords", "to_record"]
