"""Archive upkeep: ``init``, ``reindex``, ``doctor``."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gazette import wording
from gazette.cli.common import Context, emit_json, json_option, shadowing_folder
from gazette.phrases import say
from gazette.search import ENGINES

if TYPE_CHECKING:
    from gazette.verify import VerifyReport


@click.command("init")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option(
    "--catalog",
    metavar="DSN",
    default=None,
    help="Keep the catalog and search index in this PostgreSQL database"
    " (postgresql://USER@HOST:PORT/DB or postgresql:///DB?host=/socket/dir; no password in it:"
    " use ~/.pgpass or $PGPASSWORD). Default: $GAZETTE_CATALOG, else SQLite in the directory.",
)
@json_option
@click.pass_obj
def init(obj: Context, directory: Path | None, catalog: str | None, as_json: bool) -> None:
    """Make a new archive in DIRECTORY (default: --archive, $GAZETTE_ARCHIVE, ./gazette-archive)."""
    from gazette.archive import make_archive

    if directory is not None:
        obj.archive_path = str(directory)
    made = make_archive(obj.archive_path, catalog=catalog)
    obj.adopt(made.archive)
    if as_json:
        emit_json({"archive": str(made.archive.root), "catalog": made.catalog})
    else:
        click.echo(f"已新建档案 {made.archive.root}（目录：{made.catalog}）")


@click.command("reindex")
@click.option(
    "--engine",
    type=click.Choice(list(ENGINES)),
    default=None,
    help="Switch the archive to this search engine (default: keep the one it uses).",
)
@click.option(
    "--index-dsn",
    metavar="DSN",
    default=None,
    help="The database of a postgresql index (postgresql://USER@HOST/DB; default: the one the"
    " archive records, else $GAZETTE_SEARCH_DSN). Recorded in the catalog: no password in it.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes that analyse text (default: 2 for archives of 2,000 documents or more).",
)
@click.option(
    "--optimize",
    is_flag=True,
    help="Then merge the index and choose its common tokens from every document (slow: a few"
    " minutes at 100,000 documents; worth it after large growth).",
)
@json_option
@click.pass_obj
def reindex(
    obj: Context,
    engine: str | None,
    index_dsn: str | None,
    jobs: int | None,
    optimize: bool,
    as_json: bool,
) -> None:
    """Rebuild the search index from the catalog (and optionally change its engine)."""
    archive = obj.archive()
    count = archive.reindex(procs=jobs, engine=engine, optimize=optimize, dsn=index_dsn)
    if as_json:
        emit_json({"indexed": count, "engine": archive.search_engine})
    else:
        click.echo(f"已为{count}个文件建立索引（{archive.search_engine} 检索引擎）")


_TOOLS = {
    "tesseract": "OCR of scanned pages ([ocr] extra)",
    "pdftotext": "reference text extraction in benchmarks (poppler-utils)",
    "soffice": "rendering test fixtures (LibreOffice)",
}
_TOOLS_CN = {
    "tesseract": "扫描页的OCR识别（[ocr] 扩展）",
    "pdftotext": "性能测试中的参照文字提取（poppler-utils）",
    "soffice": "生成测试用文件（LibreOffice）",
}
_PACKAGES = {
    "attrs": None,
    "lxml": None,
    "docx": None,
    "pdfplumber": "bench",
    "pypdfium2": None,
    "whoosh": None,
    "jieba": None,
    "rjieba": None,
    "chinese_calendar": None,
    "bagit": None,
    "pytesseract": "ocr",
    "PIL": "ocr",
}


@click.command("doctor")
@json_option
@click.pass_obj
def doctor(obj: Context, as_json: bool) -> int:
    """Check the installation: Python packages and external tools."""
    packages = {}
    for name, extra in _PACKAGES.items():
        try:
            module = importlib.import_module(name)
            packages[name] = {
                "ok": True,
                "version": getattr(module, "__version__", None),
                "extra": extra,
            }
        except ImportError:
            packages[name] = {"ok": False, "version": None, "extra": extra}
    tools = {name: {"path": shutil.which(name), "for": why} for name, why in _TOOLS.items()}
    from gazette.search.sqlite_engine import fts5_support

    fts5, sqlite_version = fts5_support()
    packages["sqlite3 FTS5"] = {"ok": fts5, "version": sqlite_version, "extra": None}
    required_ok = all(v["ok"] for v in packages.values() if v["extra"] is None)
    shadowing = [
        why for name in ("gazette", "ingest") if (why := shadowing_folder(Path.cwd() / name))
    ]
    if as_json:
        emit_json({"ok": required_ok, "packages": packages, "tools": tools, "warnings": shadowing})
    else:
        for why in shadowing:
            click.echo(f"警告　工作目录：{why}")
        for name, info in packages.items():
            mark = "正常　" if info["ok"] else "缺少　"
            extra = f"（可选：[{info['extra']}] 扩展）" if info["extra"] else ""
            click.echo(f"{mark}{name} {info['version'] or ''}{extra}")
        for name, tool in tools.items():
            mark = "正常　" if tool["path"] else "缺少　"
            click.echo(f"{mark}{name}：{tool['path'] or '未找到'}——{_TOOLS_CN[name]}")
    return 0 if required_ok else 1


@click.command("verify")
@click.option(
    "--repair",
    is_flag=True,
    help="Remove orphan and temporary files and rebuild the index (never touches data).",
)
@json_option
@click.pass_obj
def verify(obj: Context, repair: bool, as_json: bool) -> int:
    """Re-hash every original and check catalog, files and search index; exit 1 on a problem."""
    from gazette.verify import repair as do_repair
    from gazette.verify import verify as do_verify

    archive = obj.archive()
    if repair:
        fixed = do_repair(archive)
        if not as_json:
            click.echo(f"已修复{fixed}项，并重建了检索索引")
    report = do_verify(archive)
    with archive.transaction():
        archive.log(
            "verify",
            None,
            "ok" if report.ok else "problems",
            problems=len(report.problems),
            files=report.checked_files,
        )
    if as_json:
        emit_json(report.as_json())
    else:
        for problem in report.problems:
            kind = wording.name(wording.VERIFY_PROBLEM, problem.kind)
            target = problem.target
            if problem.kind == "catalog_tampered":  # "texts 3": a table and a row's key
                table, _, key = target.partition(" ")
                target = f"{wording.name(wording.CATALOG_TABLE, table)} {key}"
            click.echo(f"{kind}  {target}  {say(problem.detail)}——{say(problem.action)}")
        click.echo(
            f"已校验原件{report.checked_files}个、文件{report.checked_documents}个："
            + _verdict(report)
        )
    return 0 if report.ok else 1


@click.command("log")
@click.option(
    "--action", default=None, help="Only this action (ingest, disclosure, event, export, verify …)."
)
@click.option("--target", default=None, help="Only entries about this document id or path.")
@click.option(
    "--since", default=None, metavar="DATE", help="Only entries at or after this ISO date."
)
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@json_option
@click.pass_obj
def log(
    obj: Context,
    action: str | None,
    target: str | None,
    since: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Show the archive's append-only event log, newest first."""
    entries = obj.archive().log_entries(action=action, target=target, since=since, limit=limit)
    if as_json:
        emit_json({"entries": entries})
        return
    for e in entries:
        action = wording.name(wording.LOG_ACTION, e["action"])
        click.echo(
            f"{e['at']}  {e['actor']:<10} {action}  {_outcome(e['outcome'])}  {e['target'] or ''}"
        )


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@json_option
@click.pass_obj
def backup(obj: Context, dest: Path, as_json: bool) -> None:
    """Write a consistent copy of the archive into DEST (a new or empty directory).

    Safe while the archive is in use: the catalog is copied at one instant (with SQLite's
    backup API; a PostgreSQL catalog in one repeatable-read snapshot, a batch of rows at a
    time, into a SQLite file), the originals it names are copied after. The search index is
    rebuilt on restore.
    """
    from gazette.archive.backup import backup as do_backup

    archive = obj.archive()
    info = do_backup(archive, dest)
    with archive.transaction():
        archive.log("backup", str(dest), "done", documents=info.documents, originals=info.originals)
    if as_json:
        emit_json(info.as_json())
    else:
        click.echo(f"已备份文件{info.documents}个、原件{info.originals}个到 {dest}")


@click.command("restore")
@click.argument("src", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--catalog",
    default=None,
    metavar="DSN",
    help="Keep the restored catalog and search index in this empty PostgreSQL database "
    "(postgresql://USER@HOST:PORT/DB), or `sqlite` [default: $GAZETTE_CATALOG, else sqlite].",
)
@json_option
@click.pass_obj
def restore(obj: Context, src: Path, catalog: str | None, as_json: bool) -> int:
    """Restore the backup SRC into the archive location (which must be new or empty),
    rebuild the search index and verify the result.

    The restored catalog is SQLite's, or with --catalog it and the search index go into an
    empty PostgreSQL database (from a backup of either kind)."""
    from gazette.archive import default_location
    from gazette.archive.backup import restore as do_restore

    dest = Path(obj.archive_path) if obj.archive_path else default_location()
    info, report = do_restore(src, dest, catalog=catalog)
    if as_json:
        emit_json({"restored": info.as_json(), "verify": report.as_json()})
    else:
        click.echo(f"已恢复文件{info.documents}个到 {dest}；校验：{_verdict(report)}")
    return 0 if report.ok else 1


def _verdict(report: VerifyReport) -> str:
    return "正常" if report.ok else f"发现{len(report.problems)}个问题"


def _outcome(outcome: str) -> str:
    """A log entry's outcome in Chinese (from whichever glossary table names it)."""
    for table in (
        wording.LOG_OUTCOME,
        wording.INGEST_OUTCOME,
        wording.DISCLOSURE_ATTRIBUTE,
        wording.CLEANUP_OUTCOME,
        wording.VIEW,
    ):
        if outcome in table:
            return table[outcome]
    return outcome


def register(group: click.Group) -> None:
    for command in (init, reindex, doctor, verify, log, backup, restore):
        group.add_command(command)
