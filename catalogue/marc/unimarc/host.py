"""The host (an article's periodical and issue, a chapter's book) ↔ 461, 463, an issue's
200 $h $i and an article's 215.

Read at the end, once every field is seen (`finish_host`): 461 is the periodical (or, on a
monograph, a series: `series`), 463 the issue (or a chapter's book); an issue's own number and
title are its 200 $h/$i, a part's are added to its title; an article's 215 is its pages.
"""

from __future__ import annotations

from catalogue import punctuation
from catalogue.marc.families import Family, MarcField, _tags
from catalogue.marc.unimarc.common import (
    _ISO_DATE,
    _analytic,
    _Built,
    _clean,
    _field,
    _first,
    _join,
    _link_subfields,
    _pmb_keys,
    _Scan,
    _trim,
)
from catalogue.marc.unimarc.series import read_series
from catalogue.record import Host, Record


def _host_field(field: MarcField, record: Record) -> bool:
    tag = field[0]
    if tag == "461":
        return _analytic(record) and field[2] != "0"
    if tag == "215":  # an article's extent is its pages in the host
        return record.bib_level == "a"
    if tag == "200":  # an issue's number and title are 200 $h $i
        return record.doc_type == "issue"
    return True


HOST = Family("host", ("host",), _tags("200", "215", "461", "463"), _host_field)


def read_461(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    # PMB: blank indicators = the article's (or issue's) periodical, " 0" = a series;
    # on a monograph a 461 is the set or series it belongs to
    leader = rec.original.leader
    analytic = rec.bib_level == "a" or (rec.bib_level == "s" and leader[8] == "2")
    if analytic and field[2] != "0":
        if scan.host_461 is None:
            scan.host_461 = subs
    else:
        read_series(rec, scan, field, subs)


def read_463(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    if scan.host_463 is None:
        scan.host_463 = subs


def finish_host(rec: Record, scan: _Scan) -> None:
    """The host from 461/463/200 $h $i; an article's extent becomes its pages in the host."""
    if rec.bib_level == "a" and rec.extent:
        scan.pages, rec.extent = rec.extent, ""
    _make_host(rec, scan, rec.bib_level == "s" and rec.original.leader[8] == "2")
    if rec.bib_level == "a" and rec.host is None and scan.pages:
        rec.extent = scan.pages


def _make_host(rec: Record, scan: _Scan, is_issue: bool) -> None:
    if scan.host_461 is None and scan.host_463 is None and scan.part is None:
        return
    host = Host()
    perio = _link_subfields(scan.host_461) if scan.host_461 is not None else None
    issue = _link_subfields(scan.host_463) if scan.host_463 is not None else None
    if perio is not None:
        host.title = _trim(_first(perio, "t", "a"))
        host.issn = _clean(_first(perio, "x"))
        host.isbn = _clean(_first(perio, "y"))
        host.authority_id = _pmb_keys(perio).get("id", "") or _clean(_first(perio, "0"))
        host.volume = _trim(_first(perio, "v"))
    if issue is not None:
        _read_issue(host, issue, perio is None)
    part = scan.part
    if is_issue and part is not None:  # an issue: 200 $h number, $i issue title
        host.number = host.number or part[0]
        host.issue_title = host.issue_title or part[1]
    elif part is not None:  # a part or section: "Title. 3, La religion"
        rec.title = punctuation.join([rec.title, _join(part, ", ")], ". ")
        if perio is None and issue is None:
            return
    if rec.bib_level == "a":
        host.pages = scan.pages
    rec.host = host


def _read_issue(host: Host, issue: list, alone: bool) -> None:
    if alone:  # a chapter's book, or an article whose 463 is the only link
        host.title = _trim(_first(issue, "t", "a"))
        host.issn = _clean(_first(issue, "x"))
        host.isbn = _clean(_first(issue, "y"))
        host.authority_id = _pmb_keys(issue).get("id", "") or _clean(_first(issue, "0"))
    else:
        host.issue_title = _trim(_first(issue, "t"))
    host.number = _trim(_first(issue, "v"))
    host.date = _trim(_first(issue, "e"))
    iso = _clean(_first(issue, "d"))
    host.date_iso = iso if _ISO_DATE.match(iso) else ""
    if not host.date and iso and not host.date_iso:
        host.date = iso


def write_host(record: Record) -> _Built:
    """461 the periodical (463 its issue) of an article or issue, 463 the book of a chapter."""
    host = record.host
    if not host:
        return []
    host_id = [("9", f"id:{host.authority_id}")] if host.authority_id else []
    if record.doc_type == "chapter":
        book = [("t", host.title), ("y", host.isbn), ("x", host.issn), ("v", host.number)]
        return [_field("463", " ", " ", book + host_id)]
    perio = [("t", host.title), ("x", host.issn), ("y", host.isbn), ("v", host.volume)]
    out: _Built = [_field("461", " ", " ", perio + host_id)]
    if record.doc_type != "issue":
        issue = [("t", host.issue_title), ("v", host.number), ("d", host.date_iso)]
        out.append(_field("463", " ", " ", [*issue, ("e", host.date)]))
    return out
