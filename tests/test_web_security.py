"""The web application's defences: XSS payloads shown as text, CSRF, the Content-Security-
Policy, hidden documents indistinguishable from missing ones on every route, rate-limited
logins."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tests.web_support import (
    PASSWORD,
    XSS_BODY,
    XSS_TITLE,
    client_for,
    csrf_of,
    login,
)

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</title><svg onload=alert(1)>",
    "javascript:alert(1)",
)


# --- XSS -------------------------------------------------------------------------------------


def _no_markup_from(text: str, page: str) -> None:
    """Every tag the payload holds is shown escaped, never as markup."""
    for tag in re.findall(r"<[a-z]+[^<>]*>", text):
        assert tag not in page, tag


def test_payloads_in_title_and_text_are_shown_as_text(shared_client, web_corpus):
    page = shared_client.get(f"/documents/{web_corpus.xss}")
    assert page.status_code == 200
    _no_markup_from(XSS_TITLE, page.text)
    _no_markup_from(XSS_BODY, page.text)
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in page.text
    assert "&lt;img src=x onerror=alert(&#39;b&#39;)&gt;" in page.text
    assert "&amp;amp;" in page.text  # the text's own "&amp;" is text, not an entity


def test_payloads_in_search_snippets_and_titles_are_text(shared_client, web_corpus):
    page = shared_client.get("/search", params={"q": "整治"})
    assert web_corpus.xss in page.text
    _no_markup_from(XSS_TITLE, page.text)
    _no_markup_from(XSS_BODY, page.text)
    assert "<mark>整治</mark>" in page.text


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(
    "path",
    ["/search?q={p}", "/search?q=x&issuer={p}", "/login?next={p}", "/documents/{p}"],
    ids=["query", "filter", "next", "path"],
)
def test_payloads_in_query_strings_are_text(shared_client, path, payload):
    response = shared_client.get(path.format(p=payload))
    assert response.status_code in (200, 400, 404)
    _no_markup_from(payload, response.text)
    if payload.startswith("javascript:"):
        assert 'href="javascript:' not in response.text


def test_payloads_in_the_feed_are_escaped_xml(shared_client, web_corpus):
    response = shared_client.get(f"/documents/{web_corpus.xss}/feed.atom")
    feed = ET.fromstring(response.content)  # well-formed
    titles = [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert any("<script>" in t for t in titles)  # the title as text, escaped in the XML
    assert b"<script>" not in response.content


def test_login_redirect_stays_on_the_site(client):
    token = csrf_of(client)
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post(
            "/login",
            data={"csrf": token, "name": "reader", "password": PASSWORD, "next": target},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/"


# --- CSRF --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token", [None, "", "0" * 64, "not-hex"], ids=["missing", "empty", "wrong", "junk"]
)
def test_login_without_the_right_csrf_token_is_refused(client, token):
    csrf_of(client)  # the client holds the CSRF cookie
    data = {"name": "reader", "password": PASSWORD}
    if token is not None:
        data["csrf"] = token
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "gazette_session" not in response.cookies


def test_a_token_without_its_cookie_is_refused(web_archive):
    first = client_for(web_archive.root)
    one = next(first)
    token = csrf_of(one)
    for other in client_for(web_archive.root):  # a second browser: no cookie of the first
        response = other.post(
            "/login", data={"csrf": token, "name": "reader", "password": PASSWORD}
        )
        assert response.status_code == 403
    first.close()


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/documents/{doc}/disclosure", {"attribute": "proactive", "basis": "x"}),
        ("/documents/{doc}/interpretations", {"interpretation": "青政发〔2019〕30号"}),
        ("/logout", {}),
        ("/users", {"action": "add", "name": "eve", "role": "admin", "password": "eve-password"}),
    ],
    ids=["disclosure", "interpretation", "logout", "users"],
)
def test_staff_forms_need_the_csrf_token(client, web_archive, path, data):
    login(client, "admin")
    target = path.format(doc=web_archive.unknown)
    assert client.post(target, data=data).status_code == 403
    assert client.post(target, data={**data, "csrf": "f" * 64}).status_code == 403
    assert client.get(f"/documents/{web_archive.unknown}").status_code == 404  # nothing changed


# --- headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=政务公开",
        "/api/v1/search?q=政务公开",
        "/feeds/changes.atom",
        "/static/site.css",
        "/nothing",
        "/api/v1/documents/nothing",
    ],
)
def test_every_response_carries_the_content_security_policy(shared_client, path):
    response = shared_client.get(path)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_pages_hold_no_inline_script(shared_client, web_corpus):
    for path in (
        "/",
        "/search?q=政务公开",
        f"/documents/{web_corpus.company_law}",
        "/login",
        "/issues/1/pages/3",
    ):
        page = shared_client.get(path).text
        for tag in re.findall(r"<script[^>]*>", page):
            assert "src=" in tag, (path, tag)
        assert not re.search(r"\son[a-z]+=", page), path
        assert "style=" not in page, path


def test_cookies_are_httponly_and_samesite(client):
    page = client.get("/login")
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"csrf": token, "name": "reader", "password": PASSWORD},
        follow_redirects=False,
    )
    session = [
        c for c in response.headers.get_list("set-cookie") if c.startswith("gazette_session")
    ]
    assert session and "HttpOnly" in session[0] and "SameSite=lax" in session[0]


# --- hidden is missing ---------------------------------------------------------------------------


ROUTES = [
    "/documents/{ref}",
    "/documents/{ref}?on=2020-01-01",
    "/documents/{ref}/compare?from=2020-01-01&to=2024-01-01",
    "/documents/{ref}/export.txt",
    "/documents/{ref}/export.json",
    "/documents/{ref}/export.docx",
    "/documents/{ref}/feed.atom",
    "/api/v1/documents/{ref}",
    "/api/v1/documents/{ref}?text=1",
    "/api/v1/documents/{ref}/status?on=2024-06-01",
]


def _refs(web_corpus):
    """References to the withheld document and to nothing, by id, number and title."""
    return [
        (web_corpus.withheld, "ffffffffffff"),
        ("青政发〔2024〕77号", "青政发〔2024〕78号"),
        ("青政发[2024]77号", "青政发[2024]78号"),
        ("青川市人民政府关于绝密测绘成果保管的通知", "青川市人民政府关于绝密测绘成果保管的意见"),
    ]


@pytest.mark.parametrize("route", ROUTES)
def test_hidden_documents_answer_like_missing_ones(shared_client, web_corpus, route):
    for hidden, missing in _refs(web_corpus):
        a = shared_client.get(route.format(ref=hidden))
        b = shared_client.get(route.format(ref=missing))
        assert a.status_code == b.status_code == 404, (route, hidden)
        assert a.content == b.content
        assert a.headers["content-type"] == b.headers["content-type"]


def test_hidden_documents_are_absent_from_search_totals_facets_feeds_and_issues(
    shared_client, web_corpus
):
    search = shared_client.get("/api/v1/search", params={"q": "测绘成果"}).json()
    assert search["total"] == 0 and search["hits"] == []
    issuers = shared_client.get("/api/v1/search", params={"issuer": "青川市人民政府"}).json()
    assert web_corpus.withheld not in [h["id"] for h in issuers["hits"]]
    assert sum(issuers["facets"]["issuer"].values()) >= issuers["total"]
    page = shared_client.get("/search", params={"q": "测绘成果"})
    assert "<strong>0</strong>" in page.text and "绝密" not in page.text
    for path in ("/feeds/changes.atom?limit=500", "/api/v1/issues", "/issues", "/issues/1"):
        body = shared_client.get(path).text
        assert web_corpus.withheld not in body and "绝密测绘" not in body, path
    status = shared_client.get(
        "/api/v1/search", params={"q": "测绘成果", "status": "in_force"}
    ).json()
    assert status["total"] == 0


def test_internal_view_shows_what_the_public_does_not(client, web_archive):
    login(client, "reader")
    found = client.get("/api/v1/search", params={"q": "测绘成果", "view": "internal"}).json()
    assert web_archive.withheld in [h["id"] for h in found["hits"]]


# --- rate limiting -------------------------------------------------------------------------------


def test_login_is_rate_limited(client, web_archive):
    token = csrf_of(client)
    for _ in range(5):
        wrong = client.post(
            "/login", data={"csrf": token, "name": "reader", "password": "wrong-pass"}
        )
        assert wrong.status_code == 401
    # Past the limit even the right password is refused until the window has passed.
    limited = client.post(
        "/login",
        data={"csrf": token, "name": "reader", "password": PASSWORD},
        follow_redirects=False,
    )
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    import gazette

    archive = gazette.open_archive(web_archive.root)
    outcomes = [
        r[0] for r in archive.conn.execute("SELECT outcome FROM log WHERE action = 'login'")
    ]
    archive.close()
    assert outcomes.count("failed") == 5 and "rate_limited" in outcomes


def test_rate_limit_counts_per_client_across_names(web_archive):
    gen = client_for(web_archive.root, login_attempts=3)
    one = next(gen)
    token = csrf_of(one)
    for _ in range(3):
        one.post("/login", data={"csrf": token, "name": "admin", "password": "guess-guess"})
    response = one.post(
        "/login",
        data={"csrf": token, "name": "reader", "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 429  # the same client, another name
    gen.close()
