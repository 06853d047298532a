"""Imports on the web (issue 12): upload, preview (new, updated with the difference, duplicate,
conflict with a local edit, rejected with its reason and raw text), confirm or cancel, the
report; steps run in their own process, so the tests poll the job like the page does."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest

from catalogue.marc import iso2709
from catalogue.store import Store
from tests.test_staff import add, login, token

FIXTURES = Path(__file__).parent / "fixtures"
COTES8 = FIXTURES / "unimarc" / "medialab_cotes8.mrc"


@pytest.fixture
def staff(client, runner):
    add(runner, "marie")
    login(client, "marie")
    return client


def upload(client, data: bytes, name: str = "medialab_cotes8.mrc", **form) -> str:
    response = client.post(
        "/personnel/imports/",
        data={"fichier": (io.BytesIO(data), name), "csrf_token": token(client), **form},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def wait(client, url: str, phases: tuple[str, ...], timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = client.get(url).get_data(as_text=True)
        phase = re.search(r'class="import-phase" role="status">([^<—]+)', page).group(1).strip()
        if phase in phases:
            return page
        time.sleep(0.2)
    raise AssertionError(f"job still at « {phase} »")


def confirm(client, url: str) -> None:
    client.post(url + "/confirmer", data={"csrf_token": token(client)})


def count(app) -> int:
    with Store(app.config["STORE_PATH"]) as store:
        return store.count()


def test_anonymous_visitors_cannot_upload(app, client):
    assert client.get("/personnel/imports/").status_code == 302
    response = client.post(
        "/personnel/imports/",
        data={"fichier": (io.BytesIO(COTES8.read_bytes()), "x.mrc"), "csrf_token": token(client)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and count(app) == 0


def test_a_forged_upload_without_csrf_token_is_refused(app, staff):
    response = staff.post(
        "/personnel/imports/",
        data={"fichier": (io.BytesIO(COTES8.read_bytes()), "x.mrc")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and count(app) == 0


def test_preview_then_confirm_imports_and_keeps_the_report(app, staff):
    url = upload(staff, COTES8.read_bytes())
    page = wait(staff, url, ("aperçu prêt : à confirmer",))
    assert "Nouvelles : 35" in page and "Rejetées : 0" in page
    assert count(app) == 0  # a preview writes nothing
    confirm(staff, url)
    page = wait(staff, url, ("terminé",))
    assert count(app) == 35
    assert "Rapport d&#39;import" in page or "Rapport d'import" in page
    assert "Lues : 35" in page
    assert staff.get("/api/search?q=*").get_json()["total"] > 0  # indexed at once
    listing = staff.get("/personnel/imports/").get_data(as_text=True)
    assert "medialab_cotes8.mrc" in listing and "terminé" in listing


def test_cancel_saves_nothing(app, staff):
    url = upload(staff, COTES8.read_bytes())
    wait(staff, url, ("aperçu prêt : à confirmer",))
    staff.post(url + "/annuler", data={"csrf_token": token(staff)})
    page = wait(staff, url, ("annulé",))
    assert "Confirmer" not in page
    confirm(staff, url)  # a cancelled job cannot be confirmed any more
    time.sleep(0.5)
    assert count(app) == 0


def test_preview_shows_updates_with_their_difference_and_conflicts(app, staff, runner):
    runner.invoke(args=["import", str(COTES8)])
    everything = [iso2709.parse(c) for _, _, c in iso2709.split(COTES8.read_bytes())]
    with Store(app.config["STORE_PATH"]) as store:
        found = {}
        for raw in everything:  # records whose title is written as is in their 200
            record_id = store.find("medialab_cotes8.mrc", dict(raw.fields)["001"].decode())
            title = store.get(record_id).title
            if title.encode() in dict(raw.fields)["200"]:
                found[record_id] = raw
        (first, second), raws = list(found)[:2], list(found.values())[:2]
        raws += [r for r in everything if r not in raws]
        titles = {i: store.get(i).title for i in (first, second)}
        edited = store.get(second)
        edited.title = "Titre corrigé ici"
        store.save(edited, actor="marie")
    changed = []
    for raw, record_id in ((raws[0], first), (raws[1], second)):
        old = titles[record_id].encode()
        fields = [(t, d.replace(old, b"Titre revu par la base") if t == "200" else d)
                  for t, d in raw.fields]  # fmt: skip
        changed.append(iso2709.write_raw(raw.leader, fields))
    data = b"".join(changed) + b"".join(r.chunk for r in raws[2:])
    page = wait(staff, upload(staff, data), ("aperçu prêt : à confirmer",))
    text = page.replace("&#39;", "'")
    print(re.search(r"<main.*</main>", text, re.S).group(0)[:3000])
    assert "Mises à jour : 2" in text and "Inchangées : 33" in text
    assert "Conflits avec une modification locale : 1" in text
    assert f"<del>{titles[first]}" in text and "<ins>Titre revu par la base" in text


def test_rejected_records_are_shown_with_reason_and_raw_text(app, staff):
    data = COTES8.read_bytes()
    damaged = data[:30] + b"\x1d" + b"GARBAGE-NOT-A-RECORD" + data[30:]
    page = wait(staff, upload(staff, damaged), ("aperçu prêt : à confirmer",))
    rejected = int(re.search(r"Rejetées : (\d+)", page).group(1))
    assert rejected >= 1
    assert '<div class="rejected">' in page and "<pre>" in page


def test_a_file_that_is_not_bibliographic_data_fails_clearly(app, staff):
    page = wait(staff, upload(staff, b"rien a voir\n", name="notes.txt"), ("échec",))
    assert "notice bibliographique reconnue" in page
    assert count(app) == 0


def test_uploads_larger_than_public_forms_are_accepted(app, staff):
    big = COTES8.read_bytes() * 3  # > 64 KB, the public forms' limit
    assert len(big) > app.config["MAX_CONTENT_LENGTH"]
    page = wait(staff, upload(staff, big), ("aperçu prêt : à confirmer",))
    assert "notices lues" in page


def test_an_unknown_job_is_404(staff):
    assert staff.get("/personnel/imports/" + "0" * 32).status_code == 404
    assert staff.get("/personnel/imports/../../etc").status_code == 404
