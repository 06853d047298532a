"""In the browser: the « Citer » copy button, and an axe-core audit of the bibliography pages.

Uses the browser fixtures of test_browser.py (the same Chromium, server and CI rules)."""

from __future__ import annotations

import pytest

from catalogue.bibliography import Bibliography
from catalogue.store import Store
from tests.web.test_browser import WCAG_TAGS, axe_source, base_url, browser, context, page, shot

__all__ = ["axe_source", "base_url", "browser", "context", "page"]  # fixtures, used by name

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def bibliography(instance, record_ids) -> str:
    with Store(instance / "docbase.sqlite3") as store:
        store.save_bibliography(
            Bibliography(
                "audit-navigateur",
                "Rénovation urbaine et discriminations",
                introduction="Sélection pour l'audit.",
                query="observatoire",
                picks=[record_ids["book-1"], record_ids["article-1"]],
                grouping="year",
            )
        )
    return "audit-navigateur"


def test_copy_button_copies_the_reference(context, record_ids):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.goto(f"/notice/{record_ids['book-1']}")
    tab.get_by_role("button", name="Copier la référence").click()  # shown by the script
    button = tab.locator("button[data-copy]")
    copied = tab.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("MARTIN, Claire, 2015.")
    assert button.inner_text() == "Copié"


@pytest.mark.parametrize("url", ["/bibliographies", "/bibliographies/{slug}"])
def test_axe_bibliography_pages(page, axe_source, bibliography, url):
    page.goto(url.format(slug=bibliography))
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    shot(page, "axe-bibliography" + ("-page" if "slug" in url else "-list"))
    violations = [f"{v['id']}: {v['help']}" for v in result["violations"]]
    assert not violations, "\n".join(violations)
    assert result["passes"]
