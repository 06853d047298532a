"""The catalogue in a real browser: Debian's Chromium driven by Playwright against a live server.

A visitor's journey with the mouse, the same journey with the keyboard only, the pages without
JavaScript and on a phone, and an axe-core audit (WCAG 2.1 A and AA) of every kind of page.
Screenshots go to tests/artifacts/ (git-ignored). Under CI=true a missing Chromium or axe-core
fails the run; elsewhere these tests are skipped with the reason.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# the browser and axe_source fixtures are in conftest.py: one Playwright for every browser module


@pytest.fixture(scope="session")
def base_url(app) -> Iterator[str]:
    """The app on a real HTTP server, on a free loopback port, in a thread."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


class Console:
    """Browser console errors and failed requests: a CSP violation shows up here."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e]


@pytest.fixture()
def context(browser, base_url):
    context = browser.new_context(
        base_url=base_url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture()
def page(context):
    page = context.new_page()
    page.console = Console(page)  # type: ignore[attr-defined]
    yield page
    assert not page.console.csp_violations(), page.console.csp_violations()  # type: ignore[attr-defined]


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def result_total(page) -> int:
    text = page.locator("#result-count").inner_text()
    match = re.match(r"\s*([\d\s\u202f\u00a0]+)\s+résultat", text)
    assert match, text
    return int(re.sub(r"\D", "", match.group(1)))


def facet_count(label_text: str) -> int:
    match = re.search(r"\(([\d\s\u202f\u00a0]+)\)\s*$", label_text)
    assert match, label_text
    return int(re.sub(r"\D", "", match.group(1)))


# -- a visitor with a mouse -------------------------------------------------------------------------
def test_visitor_searches_filters_opens_a_record_and_keeps_it(page):
    page.goto("/")
    page.get_by_label(re.compile("Rechercher parmi")).fill("politique")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.wait_for_url(re.compile(r"/recherche\?q=politique"))
    assert result_total(page) > 20

    doc_types = page.locator("#facette-doc_type input[type=checkbox]")
    assert doc_types.count() >= 2
    doc_types.nth(0).check()
    doc_types.nth(1).check()
    language = page.locator("#facette-language input[type=checkbox]").first
    language.check()
    chosen_language = language.get_attribute("value")
    page.get_by_role("button", name="Appliquer les filtres").last.click()
    page.wait_for_url(re.compile(r"f=doc_type"))

    total = result_total(page)
    assert total > 0
    assert page.locator(".chips a.chip:not(.chip-clear)").count() == 4  # query + 3 values
    # OR within a facet, AND across: the selected doc types' counts add up to the total
    # (a record has one type), and the selected language's count is the total itself.
    checked = page.locator("#facette-doc_type input:checked")
    assert checked.count() == 2
    doc_type_counts = [
        facet_count(page.locator(f"label[for='{checked.nth(i).get_attribute('id')}']").inner_text())
        for i in range(2)
    ]
    assert sum(doc_type_counts) == total
    language_box = page.locator(f"#facette-language input[value='{chosen_language}']")
    assert language_box.is_checked()
    language_label = page.locator(f"label[for='{language_box.get_attribute('id')}']")
    assert facet_count(language_label.inner_text()) == total
    shot(page, "results-filtered")

    # every state is a URL: reload and back both keep it
    url = page.url
    page.reload()
    assert result_total(page) == total
    first = page.locator("ol.hits h3 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/notice/\d+$"))
    assert page.locator("h1").inner_text().startswith(title[:20])
    shot(page, "record")
    page.go_back()
    assert page.url == url
    assert result_total(page) == total
    page.go_forward()

    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Ajouter à la sélection")).click()
    assert "ajouté à votre sélection" in page.locator(".flash-area").inner_text()
    assert page.locator(".badge").inner_text().startswith("1")
    page.get_by_role("link", name=re.compile("^Sélection")).click()
    assert page.locator("ol.basket-list h2").first.inner_text().startswith(title[:20])
    shot(page, "basket")


def test_exclude_and_remove_a_chip(page):
    page.goto("/recherche?q=ville")
    before = result_total(page)
    page.locator("#facette-doc_type a.exclude").first.click()
    after = result_total(page)
    assert after < before
    assert "Sauf" in page.locator(".chips").inner_text()
    page.locator(".chips a.chip", has_text="Sauf").click()
    assert result_total(page) == before


def test_year_range_and_sort(page):
    page.goto("/recherche?q=observatoire")
    page.get_by_label("De", exact=True).fill("2010")
    page.get_by_label("à", exact=True).fill("2015")
    page.get_by_role("button", name="Appliquer les années").click()
    assert result_total(page) == 6
    page.get_by_label("Trier par").select_option("date_desc")
    page.get_by_role("button", name="Trier", exact=True).click()
    years = page.locator("ol.hits .year").all_inner_texts()
    assert years == sorted(years, reverse=True)
    assert "debut=2010" in page.url and "tri=date_desc" in page.url


def test_autocomplete_with_the_keyboard(page):
    page.goto("/")
    box = page.get_by_role("combobox", name=re.compile("Rechercher parmi"))
    box.press_sequentially("discri", delay=30)
    listbox = page.get_by_role("listbox")
    listbox.wait_for(state="visible")
    assert box.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("option").count() >= 1
    box.press("ArrowDown")
    chosen = page.get_by_role("option").first.get_attribute("data-value")
    assert box.get_attribute("aria-activedescendant")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/recherche\?q="))
    assert page.locator("#q-header").input_value() == chosen


def test_facet_filter_box_narrows_long_lists(page):
    page.goto("/recherche")
    box = page.locator("#facette-language .facet-filter-input")
    if box.count() == 0:
        pytest.skip("language facet too short for the filter box")
    box.fill("fr")
    visible = page.locator("#facette-language li:visible")
    assert 1 <= visible.count() < page.locator("#facette-language li").count()


# -- keyboard only --------------------------------------------------------------------------------
def tab_to(page, predicate: str, limit: int = 250) -> None:
    """Press Tab until the focused element matches the JS predicate `el => bool`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"(() => {{ const el = document.activeElement; return !!({predicate}); }})()"
        ):
            return
    raise AssertionError(f"never reached with Tab: {predicate}")


def assert_focus_visible(page) -> None:
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()"
    )
    assert style[0] != "none" and style[1] != "0px", style


def test_whole_journey_with_the_keyboard_only(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"

    tab_to(page, "el.id === 'q'")
    assert_focus_visible(page)
    page.keyboard.type("ville")
    page.keyboard.press("Enter")  # no suggestion highlighted: the form submits what was typed
    page.wait_for_url(re.compile(r"/recherche\?q=ville"))
    total = result_total(page)

    tab_to(page, "el.type === 'checkbox' && el.name === 'f'")
    assert_focus_visible(page)
    page.keyboard.press("Space")
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.includes('Appliquer les filtres')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"f="))
    assert result_total(page) <= total

    tab_to(page, "el.tagName === 'A' && el.closest('ol.hits h3')")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/notice/\d+$"))

    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.includes('Ajouter à la sélection')")
    assert_focus_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".badge").inner_text().startswith("1")

    page.keyboard.press("Tab")  # skip link again on the new page
    tab_to(page, "el.tagName === 'A' && el.getAttribute('href') === '/selection'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/selection$"))
    assert page.locator("ol.basket-list li").count() == 1

    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.includes('Vider')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Votre sélection est vide" in page.locator("main").inner_text()
    shot(page, "keyboard-basket-emptied")


# -- without JavaScript, on a phone ---------------------------------------------------------------
def test_everything_works_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.locator("#q").fill("ville")
        page.locator("#q").press("Enter")
        page.wait_for_url(re.compile(r"q=ville"))
        page.locator("#facette-doc_type input[type=checkbox]").first.check()
        page.get_by_role("button", name="Appliquer les filtres").last.click()
        page.wait_for_url(re.compile(r"f=doc_type"))
        page.locator("ol.hits h3 a").first.click()
        page.get_by_role("button", name=re.compile("Ajouter à la sélection")).click()
        assert page.locator(".badge").inner_text().startswith("1")
        page.goto("/recherche/facette/descriptor?q=ville")
        page.locator("fieldset.facet input[type=checkbox]").first.check()
        page.get_by_role("button", name="Appliquer les filtres").last.click()
        page.wait_for_url(re.compile(r"f=descriptor"))
        shot(page, "no-javascript-results")
    finally:
        context.close()


def test_phone_layout_has_no_horizontal_scroll(browser, base_url, record_ids):
    context = browser.new_context(
        base_url=base_url, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    try:
        page = context.new_page()
        for name, url in [
            ("phone-home", "/"),
            ("phone-results", "/recherche?q=ville"),
            ("phone-record", f"/notice/{record_ids['book-1']}"),
            ("phone-marc", "/notice/1/marc"),
        ]:
            page.goto(url)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, (url, width)
            shot(page, name)
    finally:
        context.close()


# -- accessibility audit ----------------------------------------------------------------------------
AUDITED = [
    ("home", "/"),
    ("results", "/recherche?q=politique&f=doc_type:periodical&debut=1950"),
    ("results-zero", "/recherche?q=zzzyyyxxx&f=doc_type:book"),
    ("facet-values", "/recherche/facette/descriptor?q=ville"),
    ("record", "/notice/{book}"),
    ("record-article", "/notice/{article}"),
    ("record-isbd", "/notice/{book}/isbd"),
    ("record-marc", "/notice/1/marc"),
    ("basket", "/selection"),
    ("browse", "/parcourir/"),
    ("browse-descriptors", "/parcourir/descripteurs?prefixe=Politique+de+la+ville"),
    ("browse-authors", "/parcourir/auteurs"),
    ("error-404", "/nulle-part"),
    ("error-400", "/recherche?page=-1"),
    ("staff-login", "/personnel/connexion"),
]


@pytest.mark.parametrize("name, url", AUDITED, ids=[n for n, _ in AUDITED])
def test_axe_wcag21_aa_has_no_violation(page, axe_source, record_ids, name, url):
    if name == "basket":  # audit a basket with something in it
        page.goto(f"/notice/{record_ids['book-1']}")
        page.get_by_role("button", name=re.compile("Ajouter à la sélection")).click()
    page.goto(url.format(book=record_ids["book-1"], article=record_ids["article-1"]))
    page.evaluate(axe_source)  # DevTools evaluation: not subject to the page's CSP
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    shot(page, f"axe-{name}")
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert not violations, "\n".join(violations)
    assert result["passes"], "axe ran no check"


def test_axe_in_english(page, axe_source):
    page.goto("/langue/en?retour=/recherche?q=ville")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    assert not [v["id"] for v in result["violations"]]
    shot(page, "results-english")


# -- what a documentalist reads (issue 8) -----------------------------------------------------------
def _record_id(app, source: str, title_start: str) -> int:
    from catalogue.store import Store

    store = Store(app.config["STORE_PATH"])
    try:
        row = store.db.execute(
            "SELECT id FROM records WHERE source = ? AND title LIKE ?", (source, f"{title_start}%")
        ).fetchone()
    finally:
        store.close()
    assert row, (source, title_start)
    return row[0]


# Words of a cell split over two lines though they would fit on one (the MARC view's fault);
# `strict`: split at all (a call number or a column header must never be).
BROKEN_WORDS = """([selector, strict]) => {
  const broken = [];
  for (const cell of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const width = cell.getBoundingClientRect().width;
    if (strict) {  // the whole cell on one line
      const range = document.createRange();
      range.selectNodeContents(cell);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                           .map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(cell.innerText);
      continue;
    }
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        const tops = new Set(rects.map(r => Math.round(r.top)));
        const whole = rects.reduce((sum, r) => sum + r.width, 0);  // the word on one line
        if (tops.size > 1 && whole < width - 8) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def test_display_screenshots(browser, base_url, app):
    """Results on a desktop and on a phone, a record's ISBD view: looked at, kept as artifacts."""
    isbd = _record_id(app, "medialab_cotes8.mrc", "De la colonisation")
    for name, viewport in [("desktop", (1280, 900)), ("phone", (360, 740))]:
        context = browser.new_context(
            base_url=base_url,
            viewport={"width": viewport[0], "height": viewport[1]},
            is_mobile=name == "phone",
        )
        try:
            page = context.new_page()
            page.goto("/recherche?q=politique")
            shot(page, f"display-results-{name}")
            page.goto(f"/notice/{isbd}/isbd")
            line = page.locator(".isbd p").first.inner_text()
            assert "corr. et augm. - Paris" in line
            shot(page, f"display-isbd-{name}")
        finally:
            context.close()


def test_phone_filter_link_jumps_to_the_facets(browser, base_url):
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        java_script_enabled=False,
    )
    try:
        page = context.new_page()
        page.goto("/recherche?q=politique")
        heading = page.locator("#facets-title")
        assert heading.evaluate("h => h.getBoundingClientRect().top") > 2000  # after the hits
        link = page.get_by_role("link", name=re.compile("^Filtrer"))
        assert link.evaluate("a => a.getBoundingClientRect().top") < 740  # on the first screen
        link.click()
        top = heading.evaluate("h => h.getBoundingClientRect().top")
        assert 0 <= top < 740, top
    finally:
        context.close()


def test_phone_holdings_and_marc_view_do_not_split_words(browser, base_url, app):
    context = browser.new_context(
        base_url=base_url, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    try:
        page = context.new_page()
        record = _record_id(app, "medialab_cotes8.mrc", "Traité de la science des finances")
        page.goto(f"/notice/{record}")
        assert page.locator(".call-number").count()
        assert not page.evaluate(BROKEN_WORDS, [".holdings .call-number, .holdings th", True])
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        shot(page, "display-holdings-phone")
        thesis = _record_id(app, "abes_sudoc_252383524.xml", "La longévité")
        page.goto(f"/notice/{thesis}/marc")
        assert page.locator(".marc-table .subfield").count() > 20
        assert not page.evaluate(BROKEN_WORDS, [".marc-table td", False])
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        shot(page, "display-marc-phone")
    finally:
        context.close()


def test_facet_values_page_keeps_each_checkbox_with_its_label(page):
    # without `break-inside: avoid`, some of these layouts cut a value across two columns
    for width in (1280, 1100, 900):
        page.set_viewport_size({"width": width, "height": 900})
        for facet in ("author", "descriptor", "keyword"):
            page.goto(f"/recherche/facette/{facet}")
            assert page.locator(".facet-page .columns li").count() >= 8
            split = page.evaluate(
                """() => [...document.querySelectorAll('.facet-page .columns li')]
                     .filter(li => li.getClientRects().length > 1).map(li => li.innerText)"""
            )
            assert not split, (width, facet, split)
    shot(page, "display-facet-values")


# -- citations and bibliographies (issue 10) ---------------------------------------------------------
@pytest.fixture(scope="module")
def bibliography(instance, record_ids) -> str:
    from catalogue.bibliography import Bibliography
    from catalogue.store import Store

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
