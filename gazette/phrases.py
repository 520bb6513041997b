"""The Chinese wording of sentences the library records in English.

Some of what the library writes is data as well as a message: the ``note`` of a lifecycle
event or of a status basis, where an event was learned (``source``), the warnings of a reader,
the findings of ``verify``, the basis of an inherited disclosure attribute. ``--json`` and the
catalog keep these as they have always been written (scripts match them); when they are shown
to a person, :func:`say` gives their Chinese wording from the catalogue :data:`PHRASES`, in
the manner of a message catalogue: the English sentence is the key, its Chinese the text shown.
A sentence the catalogue does not know (Chinese already, or written by a person) is shown as it
is. :func:`provenance` words where an event was learned from the event itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from gazette.wording import (
    CATALOG_TABLE,
    DISCLOSURE_ATTRIBUTE,
    NO_DATE,
    PROVENANCE_KIND,
    date,
    name,
)


def _iso_to_cn(value: str) -> str:
    return date(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else value


def _version(value: str) -> str:
    return NO_DATE if value == "undated" else _iso_to_cn(value)


_RELATIONS = {"carrier": "印发通知", "forwarded document": "被转发文件"}


def _relation(value: str) -> str:
    return _RELATIONS.get(value, value)


def _attribute(value: str) -> str:
    return name(DISCLOSURE_ATTRIBUTE, value)


def _task(value: str) -> str:
    return {"det": "检测", "cls": "方向分类", "rec": "识别"}.get(value, value)


def _reasons(value: str) -> str:
    return "；".join(say(part) or part for part in value.split("; "))


def _table(value: str) -> str:
    return CATALOG_TABLE.get(value, value)


def _nested(value: str) -> str:
    return say(value) or value


#: How a placeholder's value is worded (by the placeholder's name); others stay as they are.
_CONVERT: Mapping[str, Callable[[str], str]] = {
    "date": _iso_to_cn,
    "start": _iso_to_cn,
    "end": _iso_to_cn,
    "earliest": _iso_to_cn,
    "issued": _iso_to_cn,
    "version": _version,
    "relation": _relation,
    "note": _nested,
    "reason": _nested,
    "detail": _nested,
    "table": _table,
    "task": _task,
    "reasons": _reasons,
    "attribute": _attribute,
    "entry_attribute": _attribute,
}


#: What a placeholder may hold, where it is narrower than any text.
_PLACEHOLDER: Mapping[str, str] = {
    "engine": r"tesseract|rapidocr",
    "page": r"\d+",
    "count": r"\d+",
    "total": r"\d+",
    "missing": r"\d+",
    "key": r"\S+",
    "id": r"\S+",
}


class Phrase:
    """A sentence the library writes in English (``en``, with ``{name}`` placeholders) and its
    Chinese wording (``zh``). ``zh`` may leave a placeholder out (a system message in English
    that adds nothing for the reader)."""

    def __init__(self, en: str, zh: str) -> None:
        self.en = en
        self.zh = zh
        pattern = ""
        for k, piece in enumerate(re.split(r"\{(\w+)\}", en)):
            if k % 2:
                pattern += f"(?P<{piece}>{_PLACEHOLDER.get(piece, '.+?')})"
            else:
                pattern += re.escape(piece)
        self._pattern = re.compile(pattern, re.DOTALL)

    def english(self, **values: Any) -> str:
        return self.en.format(**values)

    def chinese(self, **values: Any) -> str:
        return self.zh.format(**{k: _CONVERT.get(k, str)(str(v)) for k, v in values.items()})

    def translate(self, text: str) -> str | None:
        """The Chinese of ``text`` if this phrase wrote it, else ``None``."""
        found = self._pattern.fullmatch(text)
        return None if found is None else self.chinese(**found.groupdict())


# Longer phrases first where one begins another ("… in force; {note}" before "… in force").
PHRASES: tuple[Phrase, ...] = (
    # The status of a document (gazette.lifecycle): Basis.note, Status.version_note.
    Phrase("promulgated; no effective date recorded", "已公布，未载明施行日期"),
    Phrase("no effective date recorded", "未载明施行日期"),
    Phrase("takes effect on {date}", "自{date}起施行"),
    Phrase("validity period ended", "有效期届满"),
    Phrase("not yet issued on this date (issued {issued})", "该日尚未印发（{issued}印发）"),
    Phrase("date of the act not recorded", "终止日期未载明"),
    Phrase("ended on a date that is not recorded", "已终止，终止日期未载明"),
    Phrase("superseded by the version {version}", "已被{version}文本取代"),
    Phrase("this version ({version}) takes effect on {date}", "该文本（{version}）自{date}起施行"),
    Phrase("version {version} in force; {note}", "{version}文本施行；{note}"),
    Phrase("version {version} in force", "{version}文本施行"),
    Phrase(
        "the text in force on {date} is not held; the earliest held version takes effect on"
        " {earliest}",
        "档案中没有{date}施行的文本；档案中最早的文本自{earliest}起施行",
    ),
    Phrase("the text in force on {date} is not held", "档案中没有{date}施行的文本"),
    # Notes ingest records on events.
    Phrase(
        "施行 of the text adopted {date}, as the amending decision states",
        "{date}通过的文本施行（依修改决定）",
    ),
    Phrase("施行 of the text adopted {date}", "{date}通过的文本施行"),
    Phrase("stated in the attachment《{title}》", "载于附件《{title}》"),
    Phrase("stated in the carrier notice", "载于印发通知"),
    Phrase(
        "暂行/试行 documents are valid for {years} years from their effective date ({date})"
        " unless they state a period",
        "暂行、试行文件未载明有效期的，自施行之日（{date}）起{years}年内有效",
    ),
    # Why a reference stays pending (gazette.resolution.later_act).
    Phrase(
        "the archive holds only texts of this title adopted after {date} (from {earliest}):"
        " a later act, not the one this ends",
        "档案中该标题的文本均于{date}之后通过（最早于{earliest}）：是其后重新制定的文件，"
        "不是本条所终止的文件",
    ),
    # The basis of an inherited disclosure attribute (gazette.disclosure.inherited).
    Phrase("inherited from the {relation} {id}（{note}）", "承继自{relation} {id}（{note}）"),
    Phrase("inherited from the {relation} {id}", "承继自{relation} {id}"),
    Phrase(
        "paragraphs withheld in {ids} stand in this text too",
        "{ids}中不予公开的段落也见于本文本，一并不予公开",
    ),
    # Working days in a year the holiday schedule does not cover (gazette.workdays).
    Phrase(
        "{years}: the State Council holiday schedule is not known (chinese-calendar {version}"
        " covers {covered}); counted Monday to Friday as working days, with {holidays}"
        " supplied holiday(s) and {workdays} supplied make-up working day(s)",
        "{years}年的国务院节假日安排未知（chinese-calendar {version}收录{covered}年）：按周一至"
        "周五为工作日计算，另计所提供的{holidays}个假日和{workdays}个调休工作日",
    ),
    Phrase(
        "{years}: the State Council holiday schedule is not known (chinese-calendar {version}"
        " covers {covered}); counted Monday to Friday as working days, with {holidays}"
        " supplied holiday(s)",
        "{years}年的国务院节假日安排未知（chinese-calendar {version}收录{covered}年）：按周一至"
        "周五为工作日计算，另计所提供的{holidays}个假日",
    ),
    Phrase(
        "{years}: the State Council holiday schedule is not known (chinese-calendar {version}"
        " is not installed); counted Monday to Friday as working days, with {holidays}"
        " supplied holiday(s) and {workdays} supplied make-up working day(s)",
        "{years}年的国务院节假日安排未知（未安装chinese-calendar）：按周一至周五为工作日计算，"
        "另计所提供的{holidays}个假日和{workdays}个调休工作日",
    ),
    Phrase(
        "{years}: the State Council holiday schedule is not known (chinese-calendar {version}"
        " is not installed); counted Monday to Friday as working days, with {holidays}"
        " supplied holiday(s)",
        "{years}年的国务院节假日安排未知（未安装chinese-calendar）：按周一至周五为工作日计算，"
        "另计所提供的{holidays}个假日",
    ),
    # Warnings of readers, kept with an ingested file.
    Phrase("pages without a usable text layer: {pages}", "没有可用文字层的页：{pages}"),
    Phrase("page {page} is blank", "第{page}页为空白页"),
    Phrase(
        "signed ({count}: {seals}); the signature is not verified and its seal is not text",
        "带电子签章（{count}个：{seals}）；签章未经验证，印章不作为文字",
    ),
    Phrase("page {page}: the text layer is garbled", "第{page}页：文字层为乱码"),
    Phrase(
        "named {suffix} but the content is {format}: read as such",
        "文件名为{suffix}，内容为{format}，已按内容读取",
    ),
    Phrase(
        "{count} page(s) need OCR and were not recognised: {reason}",
        "{count}页需要OCR，未能识别：{reason}",
    ),
    Phrase(
        "{missing} of {total} 目录 entries not found in the body (items found from their titles"
        " instead): {titles}",
        "目录{total}条中有{missing}条在正文中未找到（改按标题查找条目）：{titles}",
    ),
    Phrase(
        "an export of this archive whose text differs from the SHA-256 its header states"
        " ({stated}, text gives {actual}): the body was edited after export",
        "本档案导出的文件，其正文与文头所载SHA-256不符（文头{stated}，正文{actual}）：正文在导出后被修改",
    ),
    # Why OCR cannot run (ingest.ocr: each engine's unavailable()), and pages it failed on.
    Phrase(
        "the Python packages for OCR are not installed ({package}); pip install 'gazette[ocr]'",
        "未安装OCR所需的Python包（{package}）：`pip install 'gazette[ocr]'`",
    ),
    Phrase(
        "Tesseract is not installed (Debian/Ubuntu: apt-get install {packages})",
        "未安装 Tesseract（Debian/Ubuntu：`apt-get install {packages}`）",
    ),
    Phrase("Tesseract cannot be run ({detail})", "无法运行 Tesseract"),
    Phrase(
        "Tesseract has no {language} model (apt-get install {package})",
        "Tesseract 没有 {language} 语言模型（`apt-get install {package}`）",
    ),
    Phrase(
        "a vertical page needs Tesseract's {language} model (apt-get install {package})",
        "竖排页面需要 Tesseract 的 {language} 语言模型（`apt-get install {package}`）",
    ),
    Phrase("the package {package} is not installed", "未安装 {package} 包"),
    Phrase(
        "its {task} model {model} is not in {folder}; the rapidocr wheel ships it, nothing is"
        " downloaded: reinstall rapidocr",
        "其{task}模型 {model} 不在 {folder} 中（该模型随 rapidocr 安装包提供，不会下载）："
        "请重新安装 rapidocr",
    ),
    Phrase("OCR failed on every page ({reasons})", "各页OCR识别均失败（{reasons}）"),
    Phrase("page {page}: {detail}", "第{page}页：{detail}"),
    Phrase("{engine} failed ({detail})", "{engine} 识别失败"),
    Phrase(
        "rapidocr returned a reading per crop it was not given",
        "rapidocr 返回的识别结果与所给图块不符",
    ),
    Phrase("out of memory on this page", "识别该页时内存不足"),
    Phrase(
        "the OCR process died on this page (a crash in the engine)",
        "识别该页时OCR进程意外终止（识别引擎崩溃）",
    ),
    # What gazette verify finds (gazette.verify.Problem.detail and .action).
    Phrase(
        "the catalog database is damaged: {detail}", "目录数据库已损坏（SQLite完整性检查未通过）"
    ),
    Phrase("original of {path} is missing", "原件 {path} 缺失"),
    Phrase("original of {path} no longer matches its hash", "原件 {path} 与其哈希值不符"),
    Phrase(
        "stored file with no catalog entry (an interrupted ingest)",
        "存储区中的文件没有目录记录（入库中断所致）",
    ),
    Phrase("temporary file from an interrupted write", "写入中断留下的临时文件"),
    Phrase(
        "{table} row {key}: {detail} (changed outside gazette)",
        "{table}第{key}行：{detail}（在本系统之外被修改）",
    ),
    Phrase("no checksum", "没有校验和"),
    Phrase("content does not match its checksum", "内容与校验和不符"),
    Phrase(
        "history entry {entry} does not follow from the entries before it",
        "历史记录{entry}与其前的记录不相衔接",
    ),
    Phrase("attribute with no history entry", "公开属性没有历史记录"),
    Phrase(
        "attribute {attribute} is not the last entry of its history ({entry_attribute})",
        "公开属性“{attribute}”与其历史的最后一条（“{entry_attribute}”）不符",
    ),
    Phrase("paragraphs unreadable", "段落无法读取"),
    Phrase("paragraphs do not match the content hash", "段落与内容哈希值不符"),
    Phrase("the search index cannot be read ({detail})", "检索索引无法读取"),
    Phrase("document not in the search index", "文件不在检索索引中"),
    Phrase(
        "index holds revision {indexed}, catalog {catalog}",
        "索引为第{indexed}版，目录为第{catalog}版",
    ),
    Phrase("search index holds a document the catalog does not", "检索索引中有目录中没有的文件"),
    Phrase("index update still queued", "索引更新仍在队列中"),
    Phrase(
        "index analysed as {stored}, this installation analyses as {current}",
        "索引按{stored}分词，本机按{current}分词",
    ),
    Phrase(
        "the bitmaps of {count} common tokens disagree with the postings: {shown}",
        "{count}个常用词元的位图与倒排表不符：{shown}",
    ),
    Phrase(
        "restore the archive from a backup (gazette restore)", "从备份恢复档案（`gazette restore`）"
    ),
    Phrase(
        "restore the file from a backup; do not edit files inside the archive",
        "从备份恢复该文件；不要修改档案内的文件",
    ),
    Phrase(
        "harmless; ingest the file again or run gazette verify --repair",
        "无害；重新入库该文件，或运行 `gazette verify --repair`",
    ),
    Phrase(
        "harmless; gazette verify --repair removes it", "无害；`gazette verify --repair` 会删除它"
    ),
    Phrase(
        "restore the catalog from a backup (gazette restore), or find who changed it",
        "从备份恢复目录（`gazette restore`），或查明是谁修改的",
    ),
    Phrase(
        "run gazette reindex (or gazette verify --repair)",
        "运行 `gazette reindex`（或 `gazette verify --repair`）",
    ),
    Phrase("run gazette reindex", "运行 `gazette reindex`"),
)


def say(text: str | None) -> str | None:
    """The Chinese wording of a sentence the library recorded in English (a note, a source, a
    warning, a finding); any other text (Chinese, or written by a person) as it is."""
    if not text:
        return text
    for phrase in PHRASES:
        found = phrase.translate(text)
        if found is not None:
            return found
    return text


# --- where a fact was learned -----------------------------------------------------------------

_LIST_LINE = re.compile(r"(?P<list>.+) line (?P<line>\d+)")


def provenance(event: Any) -> str | None:
    """Where a lifecycle event was learned, in one line (the Chinese of
    :func:`gazette.status.describe_provenance`), such as
    ``解析自 a98f…：本办法自2017年8月1日起施行。``"""
    if event is None:
        return None
    prov = event.provenance
    kind = str(getattr(prov.kind, "value", prov.kind))
    excerpt = f"：{prov.excerpt}" if prov.excerpt else ""
    if kind == "parsed":
        return (f"解析自 {prov.source}" if prov.source else "解析自正文") + excerpt
    if kind == "imported":
        found = _LIST_LINE.fullmatch(prov.source or "")
        where = f"{found['list']} 第{found['line']}行" if found else prov.source
        who = f"（经办人：{prov.by}）" if prov.by else ""
        return (f"导入自 {where}" if where else "导入") + who + excerpt
    if kind == "manual":
        when = f"，{date(prov.at)}" if prov.at else ""
        return f"人工录入（{prov.by or '未知用户'}{when}）"
    if kind == "policy":
        rule = f"规则 {prov.source}" if prov.source else "规则"
        return f"{rule}：{say(prov.excerpt)}" if prov.excerpt else rule
    if kind == "inferred":
        where = f"推定自 {prov.source}" if prov.source else "推定自正文"
        note = f"（{say(event.note)}）" if event.note else ""
        return where + note + excerpt
    label = name(PROVENANCE_KIND, kind)
    detail = prov.source or prov.excerpt
    return f"{label}：{detail}" if detail else label


__all__ = ["PHRASES", "Phrase", "provenance", "say"]
