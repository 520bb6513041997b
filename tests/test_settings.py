"""Archive settings: stored in the catalog, off by default, re-derived when changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import gazette
from gazette.errors import InvalidArgument
from gazette.lifecycle import status_on
from gazette.model import EventKind, ProvenanceKind
from gazette.settings import SETTINGS, parse
from gazette.status import StatusValue
from ingest import ingest_paths
from tests.conftest import Cli

D = dt.date
NAME = "validity.provisional_years"


def provisional(tmp_path: Path, name: str = "road.txt", number: str = "青政发〔2015〕8号") -> Path:
    path = tmp_path / name
    path.write_text(
        f"青川市人民政府文件\n\n{number}\n\n青川市城市道路占用管理暂行办法\n\n各区县人民政府：\n\n"
        "第一条　为规范城市道路占用管理，制定本办法。\n\n第二条　本办法自2015年5月1日起施行。\n\n"
        "青川市人民政府\n\n2015年4月1日\n\n（此件公开发布）\n",
        "utf-8",
    )
    return path


def policy(archive: gazette.Archive, ref: str) -> list[tuple[EventKind, dt.date | None]]:
    document = archive.internal.get(ref)
    return [(e.kind, e.date) for e in document.events if e.provenance.kind == ProvenanceKind.POLICY]


def test_settings_are_off_by_default(archive: gazette.Archive) -> None:
    assert archive.settings() == dict.fromkeys(SETTINGS)


def test_provisional_default_applies_when_set_and_goes_when_unset(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    ingest_paths(archive, [provisional(tmp_path)], jobs=1)
    ref = "青政发〔2015〕8号"
    assert policy(archive, ref) == []
    assert status_on(archive.internal.get(ref), D(2020, 1, 1)).value == StatusValue.IN_FORCE

    assert archive.set_setting(NAME, 2) == 1
    assert policy(archive, ref) == [(EventKind.VALID_UNTIL, D(2017, 4, 30))]
    status = status_on(archive.internal.get(ref), D(2020, 1, 1))
    assert status.value == StatusValue.EXPIRED and status.since == D(2017, 5, 1)
    assert status.basis.source is not None and status.basis.source.startswith("rule " + NAME)
    # the derived table follows
    row = archive.conn.execute(
        "SELECT status FROM status_intervals WHERE doc_id = ? AND start = '2017-05-01'",
        (archive.internal.resolve(ref),),
    ).fetchone()
    assert row == ("expired",)

    assert archive.set_setting(NAME, 3) == 1
    assert policy(archive, ref) == [(EventKind.VALID_UNTIL, D(2018, 4, 30))]
    assert archive.set_setting(NAME, None) == 1
    assert policy(archive, ref) == []
    logged = archive.conn.execute("SELECT outcome FROM log WHERE action = 'set_setting'").fetchall()
    assert [r[0] for r in logged] == ["set", "set", "unset"]


def test_documents_ingested_later_get_the_default(archive: gazette.Archive, tmp_path: Path) -> None:
    archive.set_setting(NAME, 2)
    ingest_paths(archive, [provisional(tmp_path)], jobs=1)
    assert policy(archive, "青政发〔2015〕8号") == [(EventKind.VALID_UNTIL, D(2017, 4, 30))]


def test_settings_survive_reopening(tmp_path: Path) -> None:
    with gazette.open_archive(tmp_path / "a") as archive:
        archive.set_setting(NAME, 2)
    with gazette.open_archive(tmp_path / "a") as archive:
        assert archive.settings()[NAME] == 2


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("no.such", "1", "没有名为“no.such”的设置"),
        (NAME, "two", "须为整数"),
        (NAME, "0", "至少为1"),
    ],
)
def test_bad_settings_are_refused(name: str, value: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        parse(name, value)


def test_cli_settings(run: Cli, tmp_path: Path) -> None:
    run("ingest", str(provisional(tmp_path)))
    assert run.json("settings")[NAME]["value"] is None
    assert "重新推导了1个文件" in run("settings", "set", NAME, "2").stdout
    assert run.json("settings")[NAME]["value"] == 2
    assert run.json("status", "青政发〔2015〕8号", "--on", "2018-01-01")["status"] == "expired"
    run("settings", "unset", NAME)
    assert run.json("status", "青政发〔2015〕8号", "--on", "2018-01-01")["status"] == "in_force"
    bad = run("settings", "set", NAME, "x", expect=1)
    assert bad.stderr.startswith("错误：")
