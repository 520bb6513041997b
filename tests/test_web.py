"""The web application on real documents: pages, the JSON API (the CLI's --json shapes),
Atom feeds, issues and page images, login, roles and the review queue."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import Cli
from tests.web_support import (
    UNKNOWN_TITLE,
    csrf_of,
    login,
)

ATOM = "{http://www.w3.org/2005/Atom}"


# --- pages ------------------------------------------------------------------------------------


def test_home_has_the_search_form(shared_client):
    page = shared_client.get("/")
    assert page.status_code == 200
    assert re.search(r'<form role="search"[^>]*>', page.text)
    assert 'name="q"' in page.text


def test_search_page_has_total_facets_snippets_and_links(shared_client, web_corpus):
    page = shared_client.get("/search", params={"q": "政务公开"})
    assert page.status_code == 200
    total = int(re.search(r'id="total">共 <strong>(\d+)</strong>', page.text).group(1))
    api = shared_client.get("/api/v1/search", params={"q": "政务公开"}).json()
    assert total == api["total"] > 0
    assert "<mark>政务公开</mark>" in page.text
    for hit in api["hits"]:
        assert f'href="/documents/{hit["id"]}"' in page.text
    assert "发文机关" in page.text and "时效性" in page.text


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"type": "通知"}, lambda hit: hit["doc_type"] == "通知"),
        ({"issuer": "国务院办公厅"}, lambda hit: "国务院办公厅" in hit["issuers"]),
        ({"status": "repealed", "valid_on": "2023-01-01"}, lambda hit: hit["status"] == "repealed"),
        ({"year": "2018"}, lambda hit: True),
        ({"from": "2019-01-01", "to": "2019-12-31"}, lambda hit: hit["written"].startswith("2019")),
    ],
    ids=["type", "issuer", "status", "year", "dates"],
)
def test_search_filters_have_the_cli_names(shared_client, params, check):
    data = shared_client.get("/api/v1/search", params=params).json()
    assert data["total"] > 0
    assert all(check(hit) for hit in data["hits"])
    page = shared_client.get("/search", params=params)
    assert f"<strong>{data['total']}</strong>" in page.text


def test_bad_filter_is_a_400_not_a_traceback(shared_client):
    assert shared_client.get("/search", params={"valid_on": "not-a-date"}).status_code == 400
    assert shared_client.get("/api/v1/search", params={"status": "alive"}).status_code == 400
    assert shared_client.get("/api/v1/search").status_code == 400  # empty query, no filter


def test_document_page_shows_status_timeline_versions_and_downloads(shared_client, web_corpus):
    page = shared_client.get(f"/documents/{web_corpus.company_law}")
    assert page.status_code == 200
    text = page.text
    assert "中华人民共和国公司法" in text
    assert 'id="status-label">现行有效<' in text
    assert "2018年修正" in text and "2023年修订" in text
    for fmt in ("txt", "md", "html", "json", "docx", "akn"):
        assert f"/documents/{web_corpus.company_law}/export.{fmt}" in text
    assert 'id="timeline"' in text and "修改" in text


def test_document_on_a_date_shows_the_text_then(shared_client, web_corpus):
    then = shared_client.get(f"/documents/{web_corpus.company_law}", params={"on": "2020-01-01"})
    now = shared_client.get(f"/documents/{web_corpus.company_law}")
    assert "2018年修正" in then.text.split('id="text"')[1].split("</h2>")[0]
    assert "2023年修订" in now.text.split('id="text"')[1].split("</h2>")[0]
    # The 2023 text's first article names 职工; the 2018 one does not.
    assert "保护公司、股东、职工和债权人" in now.text
    assert "保护公司、股东、职工和债权人" not in then.text


def test_repealed_document_carries_the_export_mark(shared_client, web_corpus):
    page = shared_client.get(f"/documents/{web_corpus.repealed}")
    export = shared_client.get(f"/documents/{web_corpus.repealed}/export.txt")
    mark = export.text.splitlines()[0]
    assert mark.startswith("【已废止（依据：")
    assert f'id="status-mark">{mark}<' in page.text


def test_export_downloads_every_format(shared_client, web_corpus):
    for fmt, media in (("txt", "text/plain"), ("json", "application/json"), ("docx", "openxml")):
        response = shared_client.get(f"/documents/{web_corpus.repealed}/export.{fmt}")
        assert response.status_code == 200
        assert media in response.headers["content-type"]
        assert "attachment" in response.headers["content-disposition"]
    assert shared_client.get(f"/documents/{web_corpus.repealed}/export.pdf").status_code == 404


@pytest.mark.parametrize(
    ("law", "first", "last", "old", "new"),
    [
        ("company_law", "2018-10-26", "2024-07-01", "保护公司、股东和债权人", "<ins>、职工</ins>"),
        ("legislation_law", "2015-03-15", "2023-03-13", "第<del>四</del>条", "第<ins>五</ins>条"),
    ],
    ids=["公司法2018-2023", "立法法2015-2023"],
)
def test_compare_versions_paragraph_by_paragraph(
    shared_client, web_corpus, law, first, last, old, new
):
    doc_id = getattr(web_corpus, law)
    page = shared_client.get(f"/documents/{doc_id}/compare", params={"from": first, "to": last})
    assert page.status_code == 200
    assert 'id="diff"' in page.text
    assert old in page.text and new in page.text
    changed = int(re.search(r'class="n-changed">(\d+)<', page.text).group(1))
    assert changed > 50
    assert page.text.count('class="row-same"') > 50


def test_compare_without_a_text_on_the_date_is_a_400(shared_client, web_corpus):
    page = shared_client.get(
        f"/documents/{web_corpus.company_law}/compare",
        params={"from": "1990-01-01", "to": "2024-07-01"},
    )
    assert page.status_code == 400


# --- the API is the CLI's --json ------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_on(web_corpus):
    return Cli(web_corpus.root)


def test_api_search_is_search_json(shared_client, cli_on):
    api = shared_client.get("/api/v1/search", params={"q": "政务公开", "type": "通知", "limit": 5})
    assert api.json() == cli_on.json("search", "政务公开", "--type", "通知", "--limit", "5")


def test_api_document_is_show_json(shared_client, cli_on, web_corpus):
    api = shared_client.get(
        f"/api/v1/documents/{web_corpus.company_law}", params={"on": "2020-01-01"}
    )
    assert api.json() == cli_on.json("show", web_corpus.company_law, "--on", "2020-01-01")
    with_text = shared_client.get(f"/api/v1/documents/{web_corpus.repealed}", params={"text": "1"})
    assert with_text.json() == cli_on.json("show", web_corpus.repealed, "--text")


def test_api_document_by_number_in_any_spelling(shared_client, web_corpus):
    found = shared_client.get("/api/v1/documents/青政发[2019]30号").json()
    assert found["id"] == web_corpus.repealed


def test_api_status_is_status_json(shared_client, cli_on, web_corpus):
    api = shared_client.get(
        f"/api/v1/documents/{web_corpus.repealed}/status", params={"on": "2021-06-01"}
    )
    assert api.json() == cli_on.json("status", web_corpus.repealed, "--on", "2021-06-01")
    assert api.json()["status"] == "in_force"
    later = shared_client.get(
        f"/api/v1/documents/{web_corpus.repealed}/status", params={"on": "2023-06-01"}
    )
    assert later.json()["status"] == "repealed"


def test_api_issues_is_issues_json(shared_client, cli_on):
    assert shared_client.get("/api/v1/issues").json() == cli_on.json("issues")


def test_openapi_document_lists_the_routes(shared_client):
    doc = shared_client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) >= {
        "/api/v1/search",
        "/api/v1/documents/{ref}",
        "/api/v1/documents/{ref}/status",
        "/api/v1/issues",
    }


# --- feeds ------------------------------------------------------------------------------------


def _feed(client, path, **params):
    response = client.get(path, params=params or None)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_changes_feed_is_atom_newest_first_and_paged(shared_client):
    feed = _feed(shared_client, "/feeds/changes.atom", limit="5")
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 5
    for entry in entries:
        assert entry.find(f"{ATOM}author/{ATOM}name").text
        assert entry.find(f"{ATOM}id").text and entry.find(f"{ATOM}title").text
    seen = [e.find(f"{ATOM}id").text for e in entries]
    stamps = [e.find(f"{ATOM}updated").text for e in entries]
    assert stamps == sorted(stamps, reverse=True)
    # RFC 5005: follow rel="next" to the end; every entry once.
    total = len(_feed(shared_client, "/feeds/changes.atom", limit="500").findall(f"{ATOM}entry"))
    following = feed.find(f"{ATOM}link[@rel='next']")
    while following is not None:
        page = _feed(shared_client, following.get("href").replace("http://testserver", ""))
        seen += [e.find(f"{ATOM}id").text for e in page.findall(f"{ATOM}entry")]
        following = page.find(f"{ATOM}link[@rel='next']")
    assert len(seen) == len(set(seen)) == total
    assert feed.find(f"{ATOM}link[@rel='first']") is not None


def test_changes_feed_has_repeals_and_additions(shared_client, web_corpus):
    feed = _feed(shared_client, "/feeds/changes.atom", limit="500")
    terms = {c.get("term") for c in feed.iter(f"{ATOM}category")}
    assert {"added", "published", "repealed"} <= terms


def test_document_feed_lists_its_events(shared_client, web_corpus):
    feed = _feed(shared_client, f"/documents/{web_corpus.company_law}/feed.atom")
    terms = [c.get("term") for c in feed.iter(f"{ATOM}category")]
    assert terms.count("amended") >= 5 and "added" in terms
    # A promulgated law is public from the moment it is stored: no later "published" entry.
    assert "published" not in terms
    assert "公司法" in feed.find(f"{ATOM}title").text


def test_a_new_decision_enters_the_changes_feed_first(client, web_archive):
    login(client, "archivist")
    token = csrf_of(client, "/review")
    response = client.post(
        f"/documents/{web_archive.unknown}/disclosure",
        data={
            "csrf": token,
            "attribute": "proactive",
            "basis": "地方性法规依法公布",
            "back": "review",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    import time

    time.sleep(2.1)  # past the addition window of the documents built a moment ago
    client.post("/logout", data={"csrf": csrf_of(client, "/")})
    feed = _feed(client, "/feeds/changes.atom", limit="3")
    first = feed.find(f"{ATOM}entry")
    assert first.find(f"{ATOM}category").get("term") == "published"
    assert web_archive.unknown in first.find(f"{ATOM}link").get("href")
    assert first.find(f"{ATOM}author/{ATOM}name").text == "archivist"


# --- issues and pages ----------------------------------------------------------------------------


def test_issue_pages_link_printed_pages_to_page_images(shared_client, web_corpus):
    issues = shared_client.get("/api/v1/issues").json()
    issue = issues[0]
    page = shared_client.get(f"/issues/{issue['id']}")
    assert page.status_code == 200
    item = issue["items"][0]
    pdf_first = item["pdf_pages"][0]
    assert f'href="/issues/{issue["id"]}/pages/{pdf_first}"' in page.text
    image = shared_client.get(f"/issues/{issue['id']}/pages/{pdf_first}.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    again = shared_client.get(f"/issues/{issue['id']}/pages/{pdf_first}.png")
    assert again.content == image.content  # from the cache
    view = shared_client.get(f"/issues/{issue['id']}/pages/{pdf_first}")
    assert 'id="page-image"' in view.text and item["title"] in view.text
    assert (
        shared_client.get(f"/issues/{issue['id']}/pages/{issue['page_count'] + 1}.png").status_code
        == 404
    )
    assert shared_client.get(f"/issues/{issue['id']}/pages/0.png").status_code == 404
    doc = shared_client.get(f"/documents/{item['id']}")
    assert f'href="/issues/{issue["id"]}/pages/{pdf_first}"' in doc.text


def test_a_page_carrying_a_hidden_item_is_not_served_publicly(client, web_archive):
    issue = client.get("/api/v1/issues").json()[0]
    item = issue["items"][0]
    first, last = item["pdf_pages"]
    import gazette

    archive = gazette.open_archive(web_archive.root)
    archive.set_disclosure(
        item["id"], "withheld", reason="测试", grounds=["art16_internal_affairs"]
    )
    archive.close()
    for page in range(first, last + 1):
        assert client.get(f"/issues/{issue['id']}/pages/{page}.png").status_code == 404
        assert client.get(f"/issues/{issue['id']}/pages/{page}").status_code == 404
    assert client.get(f"/issues/{issue['id']}/pages/1.png").status_code == 404  # cover and 目录
    listing = client.get("/api/v1/issues").json()[0]
    assert item["id"] not in [i["id"] for i in listing["items"]]
    login(client, "reader")
    assert (
        client.get(
            f"/issues/{issue['id']}/pages/{first}.png", params={"view": "internal"}
        ).status_code
        == 200
    )


# --- login, roles, tokens ----------------------------------------------------------------------


def test_internal_view_needs_login(shared_client, web_corpus):
    page = shared_client.get(
        "/search", params={"q": "测绘", "view": "internal"}, follow_redirects=False
    )
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=")
    api = shared_client.get("/api/v1/search", params={"q": "测绘", "view": "internal"})
    assert api.status_code == 401 and "Bearer" in api.headers["www-authenticate"]
    feed = shared_client.get("/feeds/changes.atom", params={"view": "internal"})
    assert feed.status_code == 401


def test_login_shows_the_internal_view_and_logs_it(client, web_archive):
    login(client, "reader")
    page = client.get(f"/documents/{web_archive.withheld}", params={"view": "internal"})
    assert page.status_code == 200 and "绝密测绘" in page.text
    assert client.get(f"/documents/{web_archive.withheld}").status_code == 404  # public view
    import gazette

    archive = gazette.open_archive(web_archive.root)
    rows = archive.conn.execute("SELECT actor, action, outcome FROM log ORDER BY id").fetchall()
    archive.close()
    assert ("reader", "login", "ok") in rows
    assert ("reader", "web_read", "internal") in rows


def test_wrong_password_is_refused_and_logged(client, web_archive):
    token = csrf_of(client)
    response = client.post(
        "/login", data={"csrf": token, "name": "reader", "password": "nope-nope"}
    )
    assert response.status_code == 401
    import gazette

    archive = gazette.open_archive(web_archive.root)
    rows = archive.conn.execute("SELECT actor, action, outcome FROM log").fetchall()
    archive.close()
    assert ("reader", "login", "failed") in rows


def test_api_token_reads_the_internal_view(client, web_archive):
    import gazette
    from gazette import users

    archive = gazette.open_archive(web_archive.root)
    token = users.issue_token(archive, "reader")
    archive.close()
    headers = {"Authorization": f"Bearer {token}"}
    found = client.get(
        f"/api/v1/documents/{web_archive.withheld}", params={"view": "internal"}, headers=headers
    )
    assert found.status_code == 200 and found.json()["view"] == "internal"
    wrong = client.get(
        "/api/v1/search",
        params={"q": "测绘", "view": "internal"},
        headers={"Authorization": "Bearer gz_wrong"},
    )
    assert wrong.status_code == 401


def test_a_reader_may_not_set_attributes(client, web_archive):
    login(client, "reader")
    token = csrf_of(client, "/")
    assert client.get("/review").status_code == 403
    response = client.post(
        f"/documents/{web_archive.unknown}/disclosure",
        data={"csrf": token, "attribute": "proactive"},
    )
    assert response.status_code == 403


def test_review_queue_sets_an_attribute_and_the_document_appears_publicly(client, web_archive):
    assert client.get(f"/documents/{web_archive.unknown}").status_code == 404
    login(client, "archivist")
    queue = client.get("/review")
    assert queue.status_code == 200 and f'id="item-{web_archive.unknown}"' in queue.text
    token = csrf_of(client, "/review")
    missing_reason = client.post(
        f"/documents/{web_archive.unknown}/disclosure",
        data={"csrf": token, "attribute": "withheld", "back": "review"},
    )
    assert missing_reason.status_code == 400
    done = client.post(
        f"/documents/{web_archive.unknown}/disclosure",
        data={
            "csrf": token,
            "attribute": "proactive",
            "basis": "地方性法规依法公布",
            "back": "review",
        },
    )
    assert done.status_code == 200 and 'id="review-done"' in done.text
    public = client.get(f"/documents/{web_archive.unknown}")
    assert public.status_code == 200 and UNKNOWN_TITLE in public.text
    hits = client.get("/api/v1/search", params={"q": UNKNOWN_TITLE}).json()
    assert web_archive.unknown in [h["id"] for h in hits["hits"]]


def test_admin_manages_users_on_the_web(client):
    login(client, "admin")
    token = csrf_of(client, "/users")
    added = client.post(
        "/users",
        data={
            "csrf": token,
            "action": "add",
            "name": "clerk",
            "role": "reader",
            "password": "clerk-password",
        },
    )
    assert added.status_code == 200 and "clerk" in added.text
    issued = client.post("/users", data={"csrf": token, "action": "token", "name": "clerk"})
    assert re.search(r'id="new-token">gz_', issued.text)
    client.post("/logout", data={"csrf": token})
    login(client, "archivist")
    assert client.get("/users").status_code == 403


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_prints_its_url_with_the_real_port(web_archive, workers):
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    from tests.conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gazette",
            "--archive",
            str(web_archive.root),
            "serve",
            "--port",
            "0",
            "--workers",
            workers,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert url and int(url.group(1)) > 0, line
        for _ in range(50):
            try:
                with urllib.request.urlopen(url.group(0), timeout=5) as response:
                    assert response.status == 200
                    assert "content-security-policy" in {k.lower() for k in response.headers}
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_today_is_used_when_no_date_is_given(shared_client, web_corpus):
    data = shared_client.get(f"/api/v1/documents/{web_corpus.repealed}/status").json()
    assert data["as_of"] == dt.date.today().isoformat()


@pytest.mark.slow
def test_a_scanned_issue_page_shows_the_ocr_text_beside_the_scan(gazettes, tmp_path):
    from ingest import ingest_paths, ocr
    from tests.web_support import client_for

    reason = ocr.unavailable()
    if reason is not None:
        pytest.skip(f"OCR unavailable: {reason}")
    import gazette

    archive = gazette.open_archive(tmp_path / "scans")
    ingest_paths(archive, [gazettes.small_scan_titled], jobs=1)
    archive.close()
    clients = client_for(tmp_path / "scans")
    scans = next(clients)
    try:
        (issue,) = scans.get("/api/v1/issues").json()
        assert issue["ocr"] is not None
        item = next(i for i in issue["items"] if i["id"] and i["pdf_pages"])
        first = item["pdf_pages"][0]
        page = scans.get(f"/issues/{issue['id']}/pages/{first}")
        assert page.status_code == 200
        assert "OCR识别文本" in page.text and 'id="page-image"' in page.text
        assert 'class="line-boxes"' in page.text
        paragraphs = re.findall(r'<p class="block block-[a-z_]+">([^<]+)</p>', page.text)
        assert paragraphs, "no OCR text beside the scan"
        image = scans.get(f"/issues/{issue['id']}/pages/{first}.png")
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    finally:
        clients.close()


def test_interpretations_are_linked_both_ways(shared_client):
    found = shared_client.get("/api/v1/search", params={"q": "政策解读 实施办法"}).json()
    interpretation = next(h["id"] for h in found["hits"] if h["title"].endswith("政策解读"))
    link = shared_client.get(f"/api/v1/documents/{interpretation}").json()["interpretations"][0]
    policy = link["policy_id"]
    page = shared_client.get(f"/documents/{interpretation}").text
    assert f'所解读的政策：<a href="/documents/{policy}">' in page
    back = shared_client.get(f"/documents/{policy}").text
    assert f'解读：<a href="/documents/{interpretation}">' in back
