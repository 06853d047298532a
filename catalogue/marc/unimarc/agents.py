"""Agents ↔ 700-702 and 720-722 (persons, families), 710-712 (bodies, meetings: 71x ind. 1 "1").

The third digit is the responsibility (0 main, 1 other, 2 secondary); a record with no 7xx gets
its agents from its 200 $f/$g statements (`from_statement`). Written as 70x/71x in the model's
order (`crosswalk._build_order` keeps it), with a single main entry as UNIMARC wants.
"""

from __future__ import annotations

import re

from catalogue.marc.families import Family, _tags
from catalogue.marc.unimarc.common import (
    _authority,
    _Built,
    _clean,
    _dates,
    _field,
    _first,
    _join,
    _Scan,
    _trim,
    _values,
)
from catalogue.record import Agent, Record

AGENTS = Family("agents", ("agents",), _tags("700-702", "710-712", "720-722"))

_RESPONSIBILITY = {"0": "main", "1": "other", "2": "secondary"}
_BY = re.compile(r"^(par|by|edited by|sous la direction de)\s+", re.IGNORECASE)


def read_person(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    tag = field[0]
    scan.has_7xx = True
    name = _trim(_first(subs, "a"))
    roman = _trim(_first(subs, "d"))
    if roman:
        name = f"{name} {roman}"
    forename = _trim(_first(subs, "b")).lstrip(", ")
    if not name and not forename:
        return
    rec.agents.append(
        Agent(
            name=name,
            forename=forename,
            kind="person",
            role=_clean(_first(subs, "4")),
            responsibility=_RESPONSIBILITY.get(tag[2], "other"),
            dates=_dates(_first(subs, "f")),
            authority_id=_authority(subs),
        )
    )


def read_corporate(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    tag, ind1 = field[0], str(field[1] or " ")[:1]
    scan.has_7xx = True
    name = _trim(_first(subs, "a"))
    qualifier = _join((_clean(v) for v in _values(subs, "c")), " ")
    if qualifier:
        name = f"{name} {qualifier}"
    if not name:
        return
    rec.agents.append(
        Agent(
            name=name,
            kind="meeting" if ind1 == "1" else "corporate",
            role=_clean(_first(subs, "4")),
            responsibility=_RESPONSIBILITY.get(tag[2], "other"),
            dates=_dates(_first(subs, "f")),
            authority_id=_authority(subs),
            subordinate=_join((_trim(v) for v in _values(subs, "b")), ". "),
            place=_trim(_first(subs, "e", "L", "K")),
        )
    )


def from_statement(rec: Record, scan: _Scan) -> None:
    """No 7xx: the agents are the names of the 200 $f/$g statements ("par X" → "X")."""
    if scan.has_7xx:
        return
    for n, (code, statement) in enumerate(scan.title_f):
        name = _BY.sub("", statement).strip()
        if name:
            resp = "secondary" if code == "g" else ("main" if n == 0 else "other")
            rec.agents.append(Agent(name=name, responsibility=resp))


def write_agents(record: Record) -> _Built:
    out: _Built = []
    main_done = False
    for agent in record.agents:
        responsibility = agent.responsibility
        if responsibility == "main":
            if main_done:
                responsibility = "other"  # UNIMARC has a single 700/710
            main_done = True
        digit = {"main": "0", "other": "1", "secondary": "2"}.get(responsibility, "1")
        ids = [("9", f"id:{agent.authority_id}")] if agent.authority_id else []
        if agent.kind == "person":
            subs = [("a", agent.name), ("b", agent.forename), ("f", agent.dates)]
            out.append(_field("70" + digit, " ", "1", subs + [("4", agent.role)] + ids))
        else:
            place_code = "e" if agent.kind == "meeting" else "L"
            subs = [("a", agent.name), ("b", agent.subordinate), (place_code, agent.place)]
            subs += [("f", agent.dates), ("4", agent.role)]
            ind1 = "1" if agent.kind == "meeting" else "0"
            out.append(_field("71" + digit, ind1, "2", subs + ids))
    return out
