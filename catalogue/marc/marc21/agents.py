"""Agents ↔ 1xx (the main entry) and 7xx (added entries), with the relator codes and terms.

Relators are kept as UNIMARC codes in the model: $4 MARC codes and $e/$j terms are mapped
through `RELATOR_TO_UNIMARC` and `RELATOR_TERMS`, and back through `UNIMARC_TO_RELATOR`.
"""

from __future__ import annotations

from catalogue.marc.families import Family, _tags
from catalogue.marc.field import Field
from catalogue.marc.marc21.common import ByTag, MarcField, clean, sub_value, sub_values
from catalogue.record import Agent, Record

# MARC relator codes → UNIMARC relator codes (Appendix C), for the ones that have a match.
RELATOR_TO_UNIMARC: dict[str, str] = {
    "act": "005", "adp": "010", "ann": "020", "art": "040", "aut": "070", "aqt": "072",
    "aft": "075", "aui": "080", "win": "080", "wpr": "080", "aud": "090", "ant": "100",
    "ctg": "180", "cns": "190", "chr": "200", "ctb": "205", "cmm": "210", "com": "220",
    "cmp": "230", "ccp": "245", "cnd": "250", "crr": "270", "cur": "273", "dgg": "295",
    "drt": "300", "fmd": "300", "dub": "330", "edt": "340", "edc": "340", "egr": "360",
    "fnd": "400", "ill": "440", "ive": "460", "ivr": "470", "lyr": "520", "pbl": "530",
    "mus": "545", "orm": "557", "oth": "570", "pta": "587", "prf": "590", "pht": "600",
    "pre": "605", "pbd": "651", "rth": "673", "rev": "675", "rtm": "677", "red": "710",
    "sng": "721", "spn": "723", "aus": "726", "ths": "727", "trl": "730", "hnr": "900",
}  # fmt: skip

# Relator terms ($e) as catalogues print them → MARC relator code.
RELATOR_TERMS: dict[str, str] = {
    "author": "aut", "auteur": "aut", "aut": "aut", "editor": "edt", "ed": "edt", "eds": "edt",
    "éditeur scientifique": "edt", "directeur de publication": "pbd", "dir": "edt",
    "translator": "trl", "tr": "trl", "trans": "trl", "traducteur": "trl",
    "illustrator": "ill", "ill": "ill", "illustrateur": "ill", "thesis advisor": "ths",
    "contributor": "ctb", "compiler": "com", "comp": "com", "composer": "cmp",
    "photographer": "pht", "director": "drt", "film director": "fmd", "actor": "act",
    "performer": "prf", "conductor": "cnd", "singer": "sng", "lyricist": "lyr",
    "librettist": "lyr", "adapter": "adp", "annotator": "ann", "artist": "art",
    "author of introduction": "aui", "writer of introduction": "win",
    "writer of preface": "wpr", "author of afterword": "aft", "cartographer": "ctg",
    "commentator": "cmm", "corrector": "crr", "curator": "cur", "degree granting institution": "dgg",
    "degree grantor": "dgg", "publisher": "pbl", "organizer": "orm", "presenter": "pre",
    "reviewer": "rev", "screenwriter": "aus", "sponsor": "spn", "honoree": "hnr",
    "interviewee": "ive", "interviewer": "ivr", "musician": "mus", "engraver": "egr",
    "editor of compilation": "edc", "choreographer": "chr", "funder": "fnd", "redaktor": "red",
    "préfacier": "aui", "postfacier": "aft",
}  # fmt: skip

UNIMARC_TO_RELATOR: dict[str, str] = {}
for _marc, _uni in RELATOR_TO_UNIMARC.items():
    UNIMARC_TO_RELATOR.setdefault(_uni, _marc)


def _agent_field_of(field: MarcField, record: Record) -> bool:
    # a name/title added entry (7xx $t) describes a related work, not an agent
    return field[0][0] == "1" or not any(c == "t" for c, _ in field[3])


AGENTS = Family(
    "agents",
    ("agents",),
    _tags("100", "110", "111", "700", "710", "711", "720"),
    _agent_field_of,
)


def _relator(field: MarcField, term_code: str) -> tuple[str, str]:
    """(UNIMARC code, label) from $4 codes and $e (or $j for meetings) terms."""
    label = ""
    for c, v in field[3]:
        if c == "4":
            code = v.strip().lower().rstrip(".").rsplit("/", 1)[-1]
            if code in RELATOR_TO_UNIMARC:
                return RELATOR_TO_UNIMARC[code], ""
            label = label or v.strip()
        elif c == term_code:
            term = v.strip().strip(".,;: ").lower()
            code = RELATOR_TERMS.get(term)
            if code:
                return RELATOR_TO_UNIMARC[code], ""
            label = label or clean(v)
    return "", label


def _agent(field: MarcField, responsibility: str) -> Agent | None:
    tag = field[0]
    kind_digit = tag[1:]
    if kind_digit == "00":
        name = clean(sub_value(field, "a"))
        if not name:
            return None
        forename = ""
        if field[1] != "0" and ", " in name:
            name, forename = (p.strip() for p in name.split(", ", 1))
        numeration = clean(sub_value(field, "b"))
        if numeration:
            if forename:
                forename = f"{forename} {numeration}"
            else:
                name = f"{name} {numeration}"
        role, label = _relator(field, "e")
        return Agent(
            name=clean(name),
            forename=clean(forename),
            kind="person",
            role=role,
            role_label=label,
            responsibility=responsibility,
            dates=clean(sub_value(field, "d")),
            authority_id=sub_value(field, "0") or sub_value(field, "1"),
        )
    if kind_digit == "10":
        name = clean(sub_value(field, "a"))
        if not name:
            return None
        role, label = _relator(field, "e")
        return Agent(
            name=name,
            kind="corporate",
            role=role,
            role_label=label,
            responsibility=responsibility,
            subordinate=". ".join(clean(v) for v in sub_values(field, "b") if v.strip()),
            dates=clean(sub_value(field, "d")),
            place=clean(sub_value(field, "c")),
            authority_id=sub_value(field, "0") or sub_value(field, "1"),
        )
    name = clean(sub_value(field, "a"))
    if not name:
        return None
    role, label = _relator(field, "j")
    number = clean(sub_value(field, "n")).strip("() :;")
    return Agent(
        name=f"{name} ({number})" if number else name,
        kind="meeting",
        role=role,
        role_label=label,
        responsibility=responsibility,
        dates=clean(sub_value(field, "d")).strip("()"),
        place=clean(sub_value(field, "c")).strip("()"),
        authority_id=sub_value(field, "0") or sub_value(field, "1"),
    )


def read_agents(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Agents: 1xx main, 7xx others (secondary when their role is not authorship)."""
    for tag in ("100", "110", "111"):
        for f in fields(tag, ()):
            agent = _agent(f, "main")
            if agent:
                if tag == "100" and not agent.role and not agent.role_label:
                    agent.role = "070"
                record.agents.append(agent)
    for tag in ("700", "710", "711", "720"):
        for f in fields(tag, ()):
            if tag == "720":  # uncontrolled name: ind1 2 is "other" (a body), else a person
                f = ["710" if f[1] == "2" else "700", " ", " ", f[3]]
            if sub_value(f, "t"):
                continue  # a name/title added entry describes a related work, not an agent
            agent = _agent(f, "other")
            if agent:
                if agent.role not in ("", "070") or agent.role_label:
                    agent.responsibility = "secondary"
                record.agents.append(agent)


def write_agents(record: Record) -> list[Field]:
    """The first main agent as 1xx, every other agent as 7xx."""
    main = [a for a in record.agents if a.responsibility == "main"][:1]
    out = [_agent_field(agent, "1") for agent in main]
    return out + [_agent_field(a, "7") for a in record.agents if not (main and a is main[0])]


def _agent_field(agent: Agent, first: str) -> Field:
    relator = UNIMARC_TO_RELATOR.get(agent.role, "")
    if agent.kind == "corporate":
        subs = [("a", agent.name), ("b", agent.subordinate), ("d", agent.dates), ("c", agent.place)]
        tag = first + "10"
        ind1 = "2"
        term = "e"
    elif agent.kind == "meeting":
        subs = [("a", agent.name), ("d", agent.dates), ("c", agent.place)]
        tag = first + "11"
        ind1 = "2"
        term = "j"
    else:
        name = f"{agent.name}, {agent.forename}" if agent.forename else agent.name
        subs = [("a", name), ("d", agent.dates)]
        tag = first + "00"
        ind1 = "1" if agent.forename else "0"
        term = "e"
    if agent.role_label:
        subs.append((term, agent.role_label))
    if relator:
        subs.append(("4", relator))
    elif agent.role and not agent.role_label:
        subs.append((term, agent.role))
    if agent.authority_id:
        subs.append(("0", agent.authority_id))
    return Field.data(tag, ind1, " ", [(c, v) for c, v in subs if v])
