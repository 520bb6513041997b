"""BagIt packages: layout, SHA-256 and SHA-512 manifests, validation, never bagging in place."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import bagit
import pytest

import gazette
from gazette.archive.store import sha256_file
from gazette.export.bag import make_bag
from gazette.export.bulk import select
from ingest import ingest_paths
from tests.conftest import corpus_path
from tests.export_fixtures import CASES, ON, store


@pytest.fixture
def stocked(archive: gazette.Archive, tmp_path: Path) -> dict[str, str]:
    src = tmp_path / "src"
    src.mkdir()
    return {case: store(archive, make(), src, name=case) for case, make in CASES.items()}


def test_bag_layout_manifests_and_validation(
    archive: gazette.Archive, stocked: dict[str, str], tmp_path: Path
) -> None:
    dest = tmp_path / "out" / "bag"
    ids = select(archive.public, everything=True)
    report = make_bag(archive, dest, ids, on=ON, formats=("akn",))
    bag = bagit.Bag(str(dest))
    bag.validate()  # raises when invalid
    assert sorted(bag.algorithms) == ["sha256", "sha512"]
    assert sorted(p.name for p in dest.iterdir()) == [
        "bag-info.txt",
        "bagit.txt",
        "data",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha512.txt",
    ]
    assert bag.info["Gazette-View"] == "public"
    assert bag.info["Gazette-Status-Date"] == ON.isoformat()
    assert report.payload_oxum == bag.info["Payload-Oxum"]
    for doc_id in ids:
        folder = dest / "data" / "documents" / doc_id
        assert sorted(p.suffix for p in folder.iterdir()) == [".json", ".txt", ".xml"]
    # every original, once, under its hash
    originals = dest / "data" / "originals"
    for path in originals.iterdir():
        assert sha256_file(path) == path.name.split(".")[0]
    assert len(list(originals.iterdir())) == len(CASES)
    index = json.loads((dest / "data" / "documents.json").read_text(encoding="utf-8"))
    entry = next(d for d in index["documents"] if d["id"] == stocked["repealed-rule"])
    assert (
        entry["status_mark"]
        == "【已废止（依据：《青川市行政规范性文件管理规定》，自2024年11月1日起）】"
    )
    txt = (dest / entry["files"][0]["path"]).read_text(encoding="utf-8")
    assert hashlib.sha256(txt.partition("\n\n")[2].encode()).hexdigest() == entry["body_sha256"]
    # the manifests name every payload file with both hashes
    for algorithm in ("sha256", "sha512"):
        listed = {
            line.split(maxsplit=1)[1]
            for line in (dest / f"manifest-{algorithm}.txt").read_text().splitlines()
        }
        assert listed == {
            str(p.relative_to(dest)) for p in (dest / "data").rglob("*") if p.is_file()
        }


def test_tampering_is_detected(
    archive: gazette.Archive, stocked: dict[str, str], tmp_path: Path
) -> None:
    dest = tmp_path / "bag"
    make_bag(archive, dest, [stocked["joint-in-force"]], on=ON)
    target = next((dest / "data" / "documents").rglob("*.txt"))
    target.write_text(
        target.read_text(encoding="utf-8").replace("请审定", "请批准"), encoding="utf-8"
    )
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(dest)).validate()


def test_never_bags_an_existing_folder(
    archive: gazette.Archive, stocked: dict[str, str], tmp_path: Path
) -> None:
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "notes.txt").write_text("my own file")
    with pytest.raises(gazette.InvalidArgument, match="不会在已有的文件夹中打包"):
        make_bag(archive, dest, [stocked["joint-in-force"]], on=ON)
    assert sorted(p.name for p in dest.iterdir()) == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".mine")] == []
    # an empty folder is fine: the bag is built beside it and moved in
    empty = tmp_path / "empty"
    empty.mkdir()
    make_bag(archive, empty, [stocked["joint-in-force"]], on=ON)
    bagit.Bag(str(empty)).validate()


def test_a_failed_bag_leaves_nothing(
    archive: gazette.Archive, stocked: dict[str, str], tmp_path: Path
) -> None:
    # An original missing from the object store stops the bag; nothing is left behind.
    doc = archive.internal.get(stocked["joint-in-force"])
    archive.objects.path(doc.sources[0].sha256).unlink()
    dest = tmp_path / "bag"
    with pytest.raises(gazette.ArchiveError, match="存储区中缺少"):
        make_bag(archive, dest, [doc.id or ""], on=ON)
    assert not dest.exists()
    assert list(tmp_path.glob(".bag.bagging-*")) == []


def test_bag_is_logged(archive: gazette.Archive, stocked: dict[str, str], tmp_path: Path) -> None:
    make_bag(archive, tmp_path / "bag", [stocked["repealed-rule"]], on=ON)
    rows = archive.conn.execute(
        "SELECT target, outcome, detail FROM log WHERE action = 'export' ORDER BY id"
    ).fetchall()
    assert [(t, o) for t, o, _ in rows] == [
        (stocked["repealed-rule"], "bagged"),
        (stocked["repealed-rule"], "bagged"),
        (None, "bag"),
    ]
    assert json.loads(rows[-1][2])["documents"] == 1


def test_seed_bag_keeps_the_original_bytes(tmp_path: Path) -> None:
    seed = corpus_path("seed", "jinan-2017-27.txt")
    with gazette.open_archive(tmp_path / "a", actor="test") as archive:
        ingest_paths(archive, [seed], jobs=1)
        # the seed has no 附注: its attribute is undetermined, so only the internal view bags it
        assert select(archive.public, everything=True) == []
        ids = select(archive.internal, everything=True)
        report = make_bag(archive, tmp_path / "bag", ids, view="internal", on=ON)
    (original,) = (tmp_path / "bag" / "data" / "originals").iterdir()
    assert original.read_bytes() == seed.read_bytes()
    assert report.originals == (sha256_file(seed),)
    bagit.Bag(str(tmp_path / "bag")).validate()
