"""Headers, CSP-compatible markup, CSRF, and the snippet/URL sanitising helpers."""

from __future__ import annotations

import re

import lxml.html
import pytest

from web.display import safe_snippet, safe_url
from web.i18n import safe_next

PAGES = [
    "/",
    "/recherche?q=ville",
    "/recherche?q=zzzzzzzz",
    "/recherche/facette/descriptor",
    "/selection",
    "/parcourir/",
    "/parcourir/descripteurs",
    "/parcourir/auteurs?prefixe=M",
    "/nulle-part",
    "/recherche?page=-1",
]


@pytest.mark.parametrize("url", PAGES)
def test_security_headers_on_every_page(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", PAGES)
def test_no_inline_script_or_style(client, url):
    html = client.get(url).get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html)  # no inline body
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers


def test_record_pages_have_no_inline_code(client, record_ids):
    for suffix in ("", "/isbd", "/marc"):
        html = client.get(f"/notice/{record_ids['hostile-1']}{suffix}").get_data(as_text=True)
        assert not re.search(r"\sstyle=", html)
        # JSON-LD is a data block, never run (and CSP-proof): any other inline script is refused
        assert not re.search(r'<script\b(?![^>]*(?:src=|type="application/ld\+json"))', html)
        tree = lxml.html.fromstring(html)
        handlers = [a for el in tree.iter() for a in el.attrib if a.lower().startswith("on")]
        assert handlers == []  # no inline event handler, in any element
        hrefs = [v for el in tree.iter() for k, v in el.attrib.items() if k in ("href", "src")]
        assert not [v for v in hrefs if v.strip().lower().startswith("javascript:")]
        if not suffix:
            assert "onerror=alert(1)" in tree.text_content()  # the hostile text, as text


def test_post_without_csrf_token_is_refused(client, record_ids):
    response = client.post("/selection/ajouter", data={"id": record_ids["book-1"]})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)
    assert client.get("/selection").get_data(as_text=True).count("<article") == 0


def test_post_with_wrong_csrf_token_is_refused(client, token, record_ids):
    response = client.post(
        "/selection/ajouter", data={"id": record_ids["book-1"], "csrf_token": token + "x"}
    )
    assert response.status_code == 400


def test_forms_carry_the_session_token(client, record_ids):
    html = client.get(f"/notice/{record_ids['book-1']}").get_data(as_text=True)
    from tests.web.conftest import csrf_from

    token = csrf_from(html)
    response = client.post(
        "/selection/ajouter", data={"id": record_ids["book-1"], "csrf_token": token}
    )
    assert response.status_code == 303


def test_session_cookie_flags(client, token, record_ids):
    response = client.post(
        "/selection/ajouter", data={"id": record_ids["book-1"], "csrf_token": token}
    )
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    "snippet, expected",
    [
        ("la <mark>ville</mark> &amp; ses quartiers", "la <mark>ville</mark> &amp; ses quartiers"),
        ("<script>x</script> <mark>a</mark>", "&lt;script&gt;x&lt;/script&gt; <mark>a</mark>"),
        ("a & b <mark>c</mark>", "a &amp; b <mark>c</mark>"),
        ("<mark>open", "<mark>open</mark>"),
        ("close</mark> x", "close x"),
        ('<mark onclick="x">a</mark>', "&lt;mark onclick=&#34;x&#34;&gt;a"),
        ("&lt;b&gt; <mark>déjà échappé</mark>", "&lt;b&gt; <mark>déjà échappé</mark>"),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_snippet(snippet, expected):
    assert str(safe_snippet(snippet)) == expected


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://example.org/a.pdf", True),
        ("http://example.org", True),
        ("ftp://example.org/f", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("vbscript:x", False),
        ("//example.org", False),
        ("http://[::1", False),
        ("", False),
    ],
)
def test_safe_url(url, ok):
    assert (safe_url(url) is not None) is ok


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/recherche?q=x", "/recherche?q=x"),
        ("https://evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("recherche", "/"),
        (None, "/"),
    ],
)
def test_safe_next(target, expected):
    assert safe_next(target) == expected
