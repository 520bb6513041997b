"""An archive for the web tests, built once per session from real documents, and clients.

The archive holds the project's sample corpus (``archive_data/``: documents of 青川市 and one
gazette issue), the gov.cn policy pages and the laws of ``../shared/corpus`` (the version
pairs 公司法 2018/2023 and 立法法 2015/2023, made public by an archivist's decision here, as
laws are promulgated publicly), one document whose title and text carry XSS payloads, and one
withheld document. Tests that write get a copy of it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import gazette
from tests.archive_builders import ingest_text, official_text
from tests.conftest import ARCHIVE_DATA, corpus_path

pytest.importorskip("starlette", reason="the web tests need the [web] extra (starlette)")
pytest.importorskip("argon2", reason="the web tests need the [web] extra (argon2-cffi)")
pytest.importorskip("httpx", reason="the web tests need httpx (test extra)")

from starlette.testclient import TestClient

from gazette import users
from gazette.web import create_app

XSS_TITLE = "青川市人民政府关于<script>alert('t')</script>整治工作的通知"
XSS_BODY = "一、<img src=x onerror=alert('b')>各单位要落实“<b>整治</b>”要求&amp;。"
PASSWORD = "correct horse battery"
ROLES = {"reader": "reader", "archivist": "archivist", "admin": "admin"}


@dataclass
class WebCorpus:
    """Where the built archive is and which documents play which part."""

    root: Path
    company_law: str
    legislation_law: str
    repealed: str  # 青政发〔2019〕30号, repealed in 2022
    xss: str
    withheld: str  # hidden from the public
    unknown: str  # in the review queue (北京市物业管理条例, attribute not determined)
    issue_item: str  # an item of the sample gazette issue


UNKNOWN_TITLE = "青川市人民政府办公室关于做好物业服务投诉处理工作的通知"


def build(root: Path) -> WebCorpus:
    from ingest import ingest_paths

    archive = gazette.open_archive(root, actor="builder")
    try:
        laws = corpus_path("laws")
        govcn = sorted(corpus_path("govcn").glob("*.page.html"))
        report = ingest_paths(archive, [ARCHIVE_DATA, laws, *govcn], recursive=True, jobs=1)
        assert not [r for r in report.results if r.outcome == "failed"], report.summary
        company = archive.internal.resolve("中华人民共和国公司法")
        legislation = archive.internal.resolve("中华人民共和国立法法")
        for law in (company, legislation):
            archive.set_disclosure(law, "proactive", basis="法律由国家主席令公布", by="builder")
        folder = root.parent / f"{root.name}-texts"
        xss = ingest_text(
            archive,
            folder,
            official_text(
                XSS_TITLE,
                number="青政发〔2024〕99号",
                body=(XSS_BODY, "二、本通知自印发之日起施行。"),
                note="（此件公开发布）",
            ),
        )
        withheld = ingest_text(
            archive,
            folder,
            official_text(
                "青川市人民政府关于绝密测绘成果保管的通知",
                number="青政发〔2024〕77号",
                body=("一、测绘成果保管工作要求如下：机密档案柜钥匙由专人保管。",),
                note="（此件不予公开）",
            ),
        )
        archive.set_disclosure(
            withheld, "withheld", reason="国家秘密", grounds=["art14_state_secret"], by="builder"
        )
        # A notice without a disclosure note: unknown until an archivist decides.
        unknown = ingest_text(
            archive,
            folder,
            official_text(
                UNKNOWN_TITLE,
                number="青政办发〔2024〕31号",
                issuer="青川市人民政府办公室",
                body=("一、各物业服务企业应当在收到投诉后五个工作日内答复。",),
            ),
        )
        # Another, published by a person after it was stored (a "published" change).
        later = ingest_text(
            archive,
            folder,
            official_text(
                "青川市人民政府办公室关于做好电梯维保检查工作的通知",
                number="青政办发〔2024〕32号",
                issuer="青川市人民政府办公室",
                body=("一、电梯维保单位应当每半月检查一次。",),
            ),
        )
        archive.set_disclosure(later, "proactive", basis="经审核主动公开", by="builder")
        for name, role in ROLES.items():
            users.add_user(archive, name, role, PASSWORD)
        issue = archive.internal.issues()[0]
        return WebCorpus(
            root=root,
            company_law=company,
            legislation_law=legislation,
            repealed=archive.internal.resolve("青政发〔2019〕30号"),
            xss=xss,
            withheld=withheld,
            unknown=unknown,
            issue_item=str(issue.items[0].doc_id),
        )
    finally:
        archive.close()


def copy(corpus: WebCorpus, target: Path) -> WebCorpus:
    """A copy of the built archive that a test may change."""
    shutil.copytree(corpus.root, target)
    return WebCorpus(**{**corpus.__dict__, "root": target})


def client_for(root: Path, **options: object) -> Iterator[TestClient]:
    """A test client of the application on ``root`` (a generator: close it when done)."""
    app = create_app(root, **options)  # type: ignore[arg-type]
    try:
        with TestClient(app, base_url="http://testserver") as client:
            yield client
    finally:
        app.close()


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of a form on ``path`` (the cookie is kept by the client)."""
    import re

    page = client.get(path)
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> None:
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"csrf": token, "name": name, "password": password, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]


__all__ = [
    "PASSWORD",
    "XSS_BODY",
    "XSS_TITLE",
    "WebCorpus",
    "build",
    "client_for",
    "copy",
    "csrf_of",
    "login",
]
