"""The staff workspace in a real browser (issue 12): a documentalist's journey, the editor with the
keyboard only, and an axe-core audit (WCAG 2.1 A and AA) of every staff page.

On an instance of its own (it saves records), served on a loopback port like the public tests.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalogue import formats
from tests.web.conftest import build_instance
from tests.web.test_browser import WCAG_TAGS, Console, shot
from web.accounts import Accounts

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
UPLOAD = Path(__file__).parents[1] / "fixtures" / "unimarc" / "medialab_cotes8.mrc"
THESAURUS = Path(__file__).parents[1] / "fixtures" / "skos" / "unesco-fr-urban-subset.ttl"


@pytest.fixture(scope="module")
def staff_app(tmp_path_factory):
    from web import create_app
    from web.searching import close_searcher

    instance = build_instance(tmp_path_factory.mktemp("staff-instance"))
    app = create_app({"INSTANCE": str(instance), "TESTING": True, "SECRET_KEY": "staff-tests"})
    accounts = Accounts(app.config["STORE_PATH"])
    accounts.add("marie", PASSWORD, "documentalist", "Marie Curie")
    accounts.add("admin", PASSWORD, "administrator", "Admin")
    accounts.close()
    from catalogue.store import Store
    from catalogue.thesaurus import Thesaurus

    with Store(app.config["STORE_PATH"]) as store:  # the descriptors come from the thesaurus
        Thesaurus(store).import_file(THESAURUS.read_bytes(), name=THESAURUS.name, actor="tests")
    yield app
    close_searcher(app)


@pytest.fixture(scope="module")
def staff_url(staff_app) -> Iterator[str]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, staff_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture()
def page(browser, staff_url):
    context = browser.new_context(base_url=staff_url, locale="fr-FR")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.console = Console(page)  # type: ignore[attr-defined]
    yield page
    assert not page.console.csp_violations(), page.console.csp_violations()  # type: ignore[attr-defined]
    context.close()


def log_in(page, username: str = "marie") -> None:
    page.goto("/personnel/connexion")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/personnel/$"))


def audit(page, axe: str, name: str) -> None:
    page.evaluate(axe)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    shot(page, f"axe-staff-{name}")
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert not violations, f"{name}: " + "\n".join(violations)


def record_id(page) -> int:
    return int(re.search(r"/personnel/notices/(\d+)$", page.url).group(1))


def test_a_documentalist_catalogues_finds_edits_exports_and_restores(page):
    log_in(page)
    page.get_by_role("link", name="Article").first.click()
    page.get_by_label(re.compile(r"^Titre")).first.fill("Les jardins partagés des grands ensembles")
    page.get_by_label("Année de publication").fill("2022")
    page.get_by_label("Nom ou collectivité").fill("Dupuis")
    page.get_by_label("Prénom").fill("Claire")
    page.get_by_label("Titre du périodique ou de l'ouvrage").fill("Revue urbanisme")
    page.locator("#host-0-issn").fill("1234-5679")
    page.locator("#subjects-0-label").fill("réhabilitation urbaine")  # a non-preferred term
    page.get_by_role("button", name="Ajouter un descripteur").click()
    page.locator("#subjects-1-label").fill("Droit à un logement")
    page.locator("#languages-0-value").select_option("fre")
    page.get_by_role("button", name="Enregistrer").first.click()
    page.wait_for_url(re.compile(r"/personnel/notices/\d+$"))
    assert "Notice enregistrée" in page.content()
    new_id = record_id(page)
    # at once in the public search
    page.goto("/recherche?q=jardins+partagés")
    assert page.locator(f'a[href="/notice/{new_id}"]').count() >= 1
    # edit it
    page.goto(f"/personnel/notices/{new_id}/modifier")
    page.locator("#title").fill("Les jardins partagés des grands ensembles, une enquête")
    page.get_by_role("button", name="Enregistrer").first.click()
    page.wait_for_url(re.compile(r"/personnel/notices/\d+$"))
    exported = page.request.get(f"/notice/{new_id}.unimarc").body()
    (back,) = list(formats.get("unimarc").read(exported))
    assert back.title.endswith("une enquête")
    # saved under the thesaurus's preferred terms
    assert sorted(s.label for s in back.subjects) == ["Droit à un logement", "Rénovation urbaine"]
    api = page.request.get(f"/api/notice/{new_id}").json()
    assert all(s["uri"].startswith("http") for s in api["record"]["subjects"])
    # restore the first version
    page.goto(f"/personnel/notices/{new_id}/historique")
    page.get_by_role("button", name="Rétablir cette version").last.click()
    page.wait_for_url(re.compile(r"/historique$"))
    page.goto(f"/notice/{new_id}")
    assert page.locator("h1").inner_text().strip() == "Les jardins partagés des grands ensembles"


def test_the_editor_with_the_keyboard_only(page):
    log_in(page)
    page.goto("/personnel/notices/nouvelle?type=book")
    for _ in range(60):  # Tab through the page to the title input
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "title":
            break
    assert page.evaluate("document.activeElement.id") == "title"
    page.keyboard.type("Habiter la ville au clavier")
    for _ in range(80):  # on to « Ajouter un auteur »
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Ajouter un auteur":
            break
    page.keyboard.press("Enter")
    page.wait_for_selector("#agents-1-name")
    assert page.locator("#title").input_value() == "Habiter la ville au clavier"
    page.locator("#agents-1-name").focus()
    page.keyboard.type("Lefebvre")
    page.keyboard.press("Enter")  # Enter in an input: the first button, « Enregistrer »
    page.wait_for_url(re.compile(r"/personnel/notices/\d+$"))
    assert "Habiter la ville au clavier" in page.locator("h1").inner_text()


def test_every_staff_page_passes_axe(page, axe_source):
    log_in(page)
    audit(page, axe_source, "home")
    for name, url in [
        ("editor-new", "/personnel/notices/nouvelle?type=article"),
        ("editor-edit", "/personnel/notices/1/modifier"),
        ("record", "/personnel/notices/1"),
        ("history", "/personnel/notices/1/historique"),
        ("delete", "/personnel/notices/1/supprimer"),
        ("dashboard", "/personnel/tableau-de-bord"),
        ("basket", "/personnel/selection/"),
        ("imports", "/personnel/imports/"),
        ("bibliographies", "/personnel/bibliographies/"),
        ("bibliography-new", "/personnel/bibliographies/nouvelle"),
        ("thesaurus", "/personnel/thesaurus/"),
        ("thesaurus-az", "/personnel/thesaurus/az/"),
        ("thesaurus-search", "/personnel/thesaurus/?q=renovation"),
        ("thesaurus-import", "/personnel/thesaurus/import"),
    ]:
        page.goto(url)
        audit(page, axe_source, name)
    page.goto("/personnel/notices/nouvelle?type=book")
    page.get_by_role("button", name="Enregistrer").first.click()  # no title: the errors
    audit(page, axe_source, "editor-errors")
    page.goto("/personnel/imports/")
    page.set_input_files("#fichier", str(UPLOAD))
    page.get_by_role("button", name="Voir ce que l'import fera").click()
    page.wait_for_selector("text=Confirmer l'import", timeout=60_000)
    audit(page, axe_source, "import-preview")
    log_in(page, "admin")
    page.goto("/personnel/comptes")
    audit(page, axe_source, "accounts")
