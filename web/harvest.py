"""A list request of a harvest (ListIdentifiers, ListRecords) and its resumption tokens.

A harvest pages through the records in id order under a snapshot bound: the highest record id
when its first request came. Ids never change and rows are never removed, so every record of the
snapshot is visited once: a record saved mid-harvest before the harvester reaches it is served
once, as it is then; one already served is not served again (its new datestamp, later than the
first response's date, brings it in the next incremental harvest); a record created mid-harvest
waits for that next harvest too. The token carries the whole state, signed with the app's
SECRET_KEY (itsdangerous) and dated: a forged, altered or expired token is refused.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "docbase-oai-resumption"


class TokenError(Exception):
    """A resumption token that is not ours, was altered, or has expired."""


@dataclass(frozen=True)
class Harvest:
    verb: str
    prefix: str
    upto: int  # the snapshot bound: the highest record id at the first request
    set_spec: str | None = None
    since: str | None = None  # store times (bounds included)
    until: str | None = None
    after: int = 0  # the last record id served
    cursor: int = 0  # records served before this page
    size: int | None = None  # the complete list's size at the first request, when known

    def next(self, after: int, served: int) -> Harvest:
        return replace(self, after=after, cursor=self.cursor + served)


class Tokens:
    """Signs and reads resumption tokens; each lives `minutes` from its issue."""

    def __init__(self, secret: str, minutes: int) -> None:
        self.serializer = URLSafeTimedSerializer(secret, salt=SALT)
        self.minutes = minutes

    def issue(self, harvest: Harvest) -> tuple[str, str]:
        """The token and its expiration date (OAI-PMH's UTC form)."""
        data: dict[str, Any] = {k: v for k, v in asdict(harvest).items() if v is not None}
        expires = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=self.minutes)
        return self.serializer.dumps(data), expires.strftime("%Y-%m-%dT%H:%M:%SZ")

    def read(self, token: str, verb: str) -> Harvest:
        try:
            data = self.serializer.loads(token, max_age=self.minutes * 60)
        except SignatureExpired:
            raise TokenError("jeton expiré (expired resumption token)") from None
        except BadSignature:
            raise TokenError("jeton inconnu ou altéré (unknown or altered token)") from None
        try:
            harvest = Harvest(**data)
        except TypeError:
            raise TokenError("jeton d'une autre version (token of another version)") from None
        if harvest.verb != verb:
            raise TokenError(f"jeton de {harvest.verb}, pas de {verb} (token of another verb)")
        return harvest
