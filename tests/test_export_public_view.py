"""The public view exports nothing hidden: not withheld, on-request or undetermined documents,
not the withheld parts of partially disclosed ones, not originals that contain them, and not
the names of hidden documents that act on public ones."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import attrs
import pytest

import gazette
from gazette.model import DisclosureAttribute, DocRef, EventKind, LifecycleEvent, Provenance
from tests.conftest import Cli
from tests.export_fixtures import CASES, store, with_disclosure

WITHHELD_PARAGRAPH = "现印发给你们，请认真贯彻落实"
WITHHELD_ATTACHMENT_ROW = "更新办事指南"


@pytest.fixture
def mixed(run: Cli, tmp_path: Path) -> dict[str, str]:
    """An archive with public, hidden and partly hidden documents; ids by role."""
    src = tmp_path / "src"
    src.mkdir()
    with gazette.open_archive(run.archive_dir, actor="test") as archive:
        ids = {
            "public": store(archive, CASES["joint-in-force"](), src, name="public"),
            "withheld": store(
                archive,
                with_disclosure(CASES["repealed-rule"](), DisclosureAttribute.WITHHELD),
                src,
                name="withheld",
            ),
            "on_request": store(
                archive,
                with_disclosure(CASES["amended-regulation"](), DisclosureAttribute.ON_REQUEST),
                src,
                name="on-request",
            ),
            "unknown": store(
                archive,
                with_disclosure(CASES["partial-portal-notice"](), DisclosureAttribute.UNKNOWN),
                src,
                name="unknown",
            ),
        }
        notice = CASES["notice-attachments"]()
        partial = with_disclosure(notice, DisclosureAttribute.PARTIAL, withheld_blocks=(4,))
        hidden_part = with_disclosure(notice.parts[1], DisclosureAttribute.WITHHELD)
        partial = attrs.evolve(partial, parts=(notice.parts[0], hidden_part))
        ids["partial"] = store(archive, partial, src, name="partial")
        # A public document repealed by the withheld one, and interpreted by a hidden one.
        archive.record_event(
            ids["public"],
            LifecycleEvent(
                EventKind.REPEALED,
                dt.date(2024, 3, 1),
                Provenance("manual", by="test"),
                acting=DocRef(
                    text="青川市行政规范性文件管理办法", title="青川市行政规范性文件管理办法"
                ),
            ),
        )
        with archive.transaction() as conn:
            conn.execute(
                "INSERT INTO interpretations(policy_id, interpretation_id, form, method, evidence,"
                " prov_kind, prov_by, created_at) VALUES (?, ?, 'text', 'manual', NULL, 'manual',"
                " 'test', '2024-01-01T00:00:00')",
                (ids["public"], ids["on_request"]),
            )
        return ids


def secrets(ids: dict[str, str]) -> list[str]:
    hidden = [CASES[c]() for c in ("repealed-rule", "amended-regulation", "partial-portal-notice")]
    out = [WITHHELD_PARAGRAPH, WITHHELD_ATTACHMENT_ROW]
    for doc in hidden:
        out.append(doc.display_title)
        if doc.doc_number:
            out.append(str(doc.doc_number))
    out.extend(ids[k] for k in ("withheld", "on_request", "unknown"))
    return out


def all_text(folder: Path) -> str:
    """Everything written under a folder, ZIP members (DOCX) opened."""
    parts = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                parts.extend(package.read(n).decode("utf-8", "replace") for n in package.namelist())
        else:
            parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts)


FORMAT_ARGS = [
    arg for fmt in ("txt", "md", "html", "json", "docx", "akn") for arg in ("--format", fmt)
]


def test_public_bulk_export_holds_nothing_hidden(
    run: Cli, mixed: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "public"
    data = run.json("export", "--all", *FORMAT_ARGS, "-o", str(folder))
    assert {f["id"] for f in data["files"]} == {mixed["public"], mixed["partial"]}
    text = all_text(folder)
    leaked = [s for s in secrets(mixed) if s in text]
    assert leaked == []
    # what the public may see is there: the partial document with the placeholder, its public
    # attachment, and the repeal of the public document (without the act's name)
    assert "（此部分依法不予公开）" in text
    assert "青川市政务公开工作要点" in text
    # the repeal is marked with its date; the act's name is not given
    assert "自2024年3月1日起）" in text


def test_internal_bulk_export_holds_everything(
    run: Cli, mixed: dict[str, str], tmp_path: Path
) -> None:
    # The same check on the internal view finds every secret: the test above can fail.
    folder = tmp_path / "internal"
    run("export", "--all", *FORMAT_ARGS, "-o", str(folder), "--view", "internal")
    text = all_text(folder)
    assert [s for s in secrets(mixed) if s not in text] == []


def test_public_bag_holds_nothing_hidden(run: Cli, mixed: dict[str, str], tmp_path: Path) -> None:
    import bagit

    bag_dir = tmp_path / "bag"
    data = run.json("export", "--bag", str(bag_dir), *FORMAT_ARGS)
    assert set(data["documents"]) == {mixed["public"], mixed["partial"]}
    bagit.Bag(str(bag_dir)).validate()
    text = all_text(bag_dir)
    assert [s for s in secrets(mixed) if s in text] == []
    originals = sorted(p.name for p in (bag_dir / "data" / "originals").iterdir())
    # the partial document's original holds its withheld paragraph and attachment: left out
    assert len(originals) == 1 and len(data["withheld_originals"]) == 1


def test_public_view_refuses_a_hidden_document_by_reference(
    run: Cli, mixed: dict[str, str]
) -> None:
    for role in ("withheld", "on_request", "unknown"):
        result = run("export", mixed[role], expect=1)
        assert "相符的文件" in result.stderr
