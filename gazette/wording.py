"""The Chinese wording of everything the archive shows people: one name per concept.

Human-readable output (the command line without ``--json``, exports, web pages, feeds) is
Chinese; ``--json`` keeps its English keys and enum values. This module is the glossary: each
table maps the values of one enum (or one closed set of codes) to the one Chinese name every
rendering uses, so that a status, an event kind or a disclosure attribute reads the same in
``gazette show``, a txt export and a web page.

The sentences the library records in English where they are data (notes of events and
status bases, warnings, the findings of ``verify``) are worded for people by
:mod:`gazette.phrases`.

Dates: a date in a sentence or a labelled field is written the Chinese way
(:func:`date`, ``2026年4月1日``); the date column of a listing (``list``, search hits, report
rows, timelines) is ISO (:func:`column_date`), so that columns line up and sort.

This module imports nothing from the rest of the library, so every module may use it.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping

# --- the glossary: enum value -> Chinese name ------------------------------------------------

#: Validity status (``gazette.status.StatusValue``; DOMAIN.md §3).
STATUS: Mapping[str, str] = {
    "not_yet_in_force": "尚未生效",
    "in_force": "现行有效",
    "amended": "已被修改",
    "partially_invalid": "部分失效",
    "repealed": "已废止",
    "expired": "已失效",
    "unknown": "未知",
}

#: Lifecycle event kinds (``gazette.model.EventKind``).
EVENT_KIND: Mapping[str, str] = {
    "promulgated": "公布",
    "approved": "批准",
    "effective": "施行",
    "valid_until": "有效期届满",
    "renewed": "继续有效",
    "amended": "修改",
    "partially_invalid": "部分失效",
    "repealed": "废止",
    "expired": "失效",
    "declared_invalid": "宣布失效",
    "cleanup_outcome": "清理结果",
    "corrected": "更正",
}

#: Outcomes of a cleanup result (``gazette.model.CleanupOutcome``; 清理结果).
CLEANUP_OUTCOME: Mapping[str, str] = {
    "continue": "继续有效",
    "amend": "修改",
    "repeal": "废止",
    "declare_invalid": "宣布失效",
    "partially_invalid": "部分条款失效",
}

#: How a fact came to be known (``gazette.model.ProvenanceKind``).
PROVENANCE_KIND: Mapping[str, str] = {
    "parsed": "解析",
    "metadata": "元数据",
    "imported": "导入",
    "manual": "人工录入",
    "inherited": "承继",
    "policy": "规则",
    "inferred": "推定",
}

#: Disclosure attributes (``gazette.model.DisclosureAttribute``; 公开属性).
DISCLOSURE_ATTRIBUTE: Mapping[str, str] = {
    "proactive": "主动公开",
    "on_request": "依申请公开",
    "withheld": "不予公开",
    "partial": "部分公开",
    "unknown": "未确定",
}

#: Legal grounds for not disclosing (``gazette.model.Ground``; 政府信息公开条例).
GROUND: Mapping[str, str] = {
    "art14_state_secret": "第十四条：国家秘密",
    "art14_security_stability": "第十四条：公开后可能危及国家安全、公共安全、经济安全、社会稳定",
    "art14_law_prohibits": "第十四条：法律、行政法规禁止公开",
    "art15_trade_secret": "第十五条：商业秘密",
    "art15_personal_privacy": "第十五条：个人隐私",
    "art16_internal_affairs": "第十六条：内部事务信息",
    "art16_process_information": "第十六条：过程性信息",
    "art16_enforcement_case": "第十六条：行政执法案卷信息",
}

#: Forms of policy interpretation (``gazette.model.InterpretationForm``; 政策解读).
INTERPRETATION_FORM: Mapping[str, str] = {
    "text": "文字解读",
    "graphic": "图解",
    "media": "音视频",
    "expert": "专家解读",
    "press": "答记者问",
}

#: How an interpretation link was made (``InterpretationLink.method``).
LINK_METHOD: Mapping[str, str] = {
    "title": "按标题推断",
    "number": "按文号推断",
    "manual": "人工关联",
}

#: Where a rendition of a text came from (``gazette.model.TextOrigin``).
TEXT_ORIGIN: Mapping[str, str] = {
    "gazette": "政府公报",
    "portal": "政府网站",
    "file": "文件",
    "manual": "人工录入",
}

#: What a paragraph is (``gazette.model.BlockKind``; GB/T 9704 elements).
BLOCK_KIND: Mapping[str, str] = {
    "header": "版头",
    "title": "标题",
    "subtitle": "题注",
    "preamble": "令文",
    "recipients": "主送机关",
    "heading": "层次标题",
    "article": "条文",
    "paragraph": "正文",
    "table": "表格",
    "attachment_note": "附件说明",
    "signature": "署名",
    "date": "成文日期",
    "note": "附注",
    "cc": "抄送机关",
    "printed": "印发机关和印发日期",
}

#: Disclosure views (``gazette.disclosure.View``).
VIEW: Mapping[str, str] = {"public": "公开视图", "internal": "内部视图"}

#: Roles of the web application's users (``gazette.users.Role``).
ROLE: Mapping[str, str] = {"reader": "查阅人员", "archivist": "档案管理人员", "admin": "系统管理员"}

#: Statutory periods (``gazette.workdays.Rule``).
RULE: Mapping[str, str] = {
    "proactive": "主动公开：自该政府信息形成或者变更之日起20个工作日内",
    "reply": "答复申请：自收到申请之日起20个工作日内",
    "reply_extended": "答复申请（经批准延长）：20个工作日，延长最长不超过20个工作日",
    "completion": "补正告知：自收到申请之日起7个工作日内",
}

#: What became of a file given to ``gazette ingest`` (``FileResult.outcome``), and of a
#: scan given to ``gazette ocr``.
INGEST_OUTCOME: Mapping[str, str] = {
    "ingested": "已入库",
    "duplicate": "重复",
    "failed": "失败",
    "skipped": "跳过",
    "recognised": "已识别",
}

#: Why a file failed or was skipped, or what an ingested file still needs
#: (``IngestError.reason``, ``FileResult.reason``).
INGEST_REASON: Mapping[str, str] = {
    "ingest_failed": "无法读取",
    "unsupported_format": "格式不支持",
    "corrupt": "文件损坏",
    "encrypted": "文件加密",
    "unsafe": "拒绝读取",
    "undecodable": "无法解码",
    "empty": "没有正文",
    "needs_ocr": "需要OCR",
    "issue_not_split": "公报未能拆分",
    "not_a_document": "不是公文",
    "link_outside_tree": "链接指向文件夹之外",
    "internal": "内部错误",
    "store_failed": "存储失败",
    "failed": "失败",
}

#: Export formats (``gazette.export.FORMATS``).
EXPORT_FORMAT: Mapping[str, str] = {
    "txt": "纯文本（TXT）",
    "md": "Markdown文本",
    "html": "网页（HTML）",
    "json": "JSON数据",
    "docx": "Word（DOCX，GB/T 9704版式）",
    "akn": "Akoma Ntoso法律文档（XML）",
}

#: The reports of ``gazette report NAME``.
REPORT: Mapping[str, str] = {
    "expiring": "有效期即将届满的文件",
    "status": "时效性统计",
    "unresolved": "待解析的引用",
    "gaps": "公报缺期",
    "interpretations": "政策解读情况",
    "disclosure": "公开属性情况",
    "timeliness": "公开及时性",
    "completeness": "应登尽登情况",
}

#: Search facets.
FACET: Mapping[str, str] = {
    "issuer": "发文机关",
    "year": "年份",
    "doc_type": "文种",
    "status": "时效性",
}

#: A reference kept pending (``gazette report unresolved``): its state and kind.
REFERENCE_STATE: Mapping[str, str] = {
    "pending": "待解析",
    "ambiguous": "无法确定",
    "review": "待人工复核",
    "resolved": "已解析",
}

#: What a pending reference would record once resolved (``gazette report unresolved``).
REFERENCE_KIND: Mapping[str, str] = {
    "event": "事件",
    "interpretation": "解读关联",
    "review": "可能的废止",
}

#: Kinds of change in the changes feed (``gazette.changes``), beyond the event kinds.
CHANGE_KIND: Mapping[str, str] = {"added": "收录", "published": "公开"}

#: What ``gazette verify`` finds (``gazette.verify.Problem.kind``).
VERIFY_PROBLEM: Mapping[str, str] = {
    "catalog_damaged": "目录损坏",
    "missing_file": "原件缺失",
    "changed_file": "原件被改",
    "orphan_file": "多余文件",
    "leftover_temp": "临时文件",
    "catalog_tampered": "目录被改",
    "index_damaged": "索引损坏",
    "index_missing": "索引缺文件",
    "index_stale": "索引过期",
    "index_orphan": "索引多文件",
    "index_queue": "索引待更新",
    "index_analysis": "索引分词不符",
}

#: Tables of the catalog that ``verify`` checks (``gazette.archive.integrity.COVERED``).
CATALOG_TABLE: Mapping[str, str] = {
    "documents": "文件表",
    "texts": "文本表",
    "events": "事件表",
    "disclosure": "公开属性表",
    "disclosure_history": "公开属性历史表",
    "disclosure_requests": "公开申请表",
    "interpretations": "解读关联表",
    "publications": "刊登表",
    "issues": "公报表",
    "issue_items": "公报条目表",
    "sources": "原件表",
    "document_sources": "文件原件表",
    "pending_refs": "待解析引用表",
}

#: Kinds of difference between two texts (``gazette.diff``).
DIFF_KIND: Mapping[str, str] = {"replace": "替换", "delete": "删除", "insert": "插入"}

#: The kinds of file a gazette issue arrives in (``gazette.model.Edition.kind``).
EDITION_KIND: Mapping[str, str] = {
    "digital": "电子版PDF",
    "scanned": "扫描件",
    "word": "Word文件",
    "web": "网页版",
}

#: Publication channels (``Publication.channel``).
CHANNEL: Mapping[str, str] = {"gazette": "政府公报", "portal": "政府网站", "published": "发布"}

#: Where a document's period runs from (``gazette deadlines``).
DEADLINE_FROM: Mapping[str, str] = {
    "published_date": "发布日期",
    "written_date": "成文日期",
    "effective_date": "施行日期",
}

#: Actions written to the archive's log (``gazette log``).
LOG_ACTION: Mapping[str, str] = {
    "ingest": "入库",
    "ocr": "OCR识别",
    "add_text": "添加文本",
    "event": "录入事件",
    "event_add": "录入事件",
    "remove_event": "撤销事件",
    "lifecycle_ref": "记录引用事件",
    "resolve_ref": "解析引用",
    "import_cleanup": "导入清理结果",
    "set_setting": "修改设置",
    "disclosure": "设定公开属性",
    "disclosure_import": "导入公开属性",
    "disclosure_request": "登记申请",
    "disclosure_conflict": "公开属性冲突",
    "interpretation_link": "关联解读",
    "interpretation_unlink": "解除解读关联",
    "export": "导出",
    "verify": "校验",
    "backup": "备份",
    "restore": "恢复",
    "reindex": "重建索引",
    "user_add": "添加用户",
    "user_password": "修改密码",
    "user_remove": "删除用户",
    "token_issue": "签发令牌",
    "token_revoke": "吊销令牌",
    "login": "登录",
    "logout": "退出登录",
    "web_read": "网页查阅",
    "web_csrf": "表单校验",
}

#: Outcomes written to the archive's log (besides ingest outcomes, disclosure attributes,
#: cleanup outcomes and views, which read as their own tables say).
LOG_OUTCOME: Mapping[str, str] = {
    "recorded": "已记录",
    "resolved": "已解析",
    "pending": "待解析",
    "ambiguous": "无法确定",
    "set": "已设置",
    "unset": "已取消",
    "removed": "已删除",
    "blocked": "已阻止推断",
    "kept": "保留原决定",
    "linked": "已关联",
    "imported": "已导入",
    "exported": "已导出",
    "bagged": "已打包",
    "bag": "已打包",
    "ok": "正常",
    "problems": "发现问题",
    "done": "完成",
    "added": "已添加",
    "changed": "已修改",
    "issued": "已签发",
    "revoked": "已吊销",
    "failed": "失败",
    "rate_limited": "次数超限",
    "refused": "已拒绝",
}

#: The archive's settings (``gazette.settings.SETTINGS``), as ``gazette settings`` lists them.
SETTING: Mapping[str, str] = {
    "validity.provisional_years": "暂行、试行文件载明施行日期而未载明有效期时的有效年数",
    "disclosure.review_days": "不予公开等决定作出后，经过多少天应予复核（默认365）",
    "disclosure.request_threshold": "依申请公开的文件被申请多少次后列入主动公开候选（默认3）",
    "interpretation.lag_days": "解读可晚于政策的工作日数（默认0：须同日发布）",
    "timeliness.portal_days": "自成文至政府网站发布的工作日数（默认20，第二十六条）",
    "timeliness.gazette_days": "自成文至政府公报刊登的工作日数（默认20）",
    "view.default": (
        "命令行不加 `--view` 时使用的视图：`public`（公开视图）或 `internal`（内部视图），"
        "默认 `public`"
    ),
}

#: Every glossary table by the name of what it names (for tests and documentation).
GLOSSARY: Mapping[str, Mapping[str, str]] = {
    "status": STATUS,
    "event_kind": EVENT_KIND,
    "cleanup_outcome": CLEANUP_OUTCOME,
    "provenance_kind": PROVENANCE_KIND,
    "disclosure_attribute": DISCLOSURE_ATTRIBUTE,
    "ground": GROUND,
    "interpretation_form": INTERPRETATION_FORM,
    "link_method": LINK_METHOD,
    "text_origin": TEXT_ORIGIN,
    "block_kind": BLOCK_KIND,
    "view": VIEW,
    "role": ROLE,
    "rule": RULE,
    "ingest_outcome": INGEST_OUTCOME,
    "ingest_reason": INGEST_REASON,
    "export_format": EXPORT_FORMAT,
    "report": REPORT,
    "facet": FACET,
    "reference_state": REFERENCE_STATE,
    "reference_kind": REFERENCE_KIND,
    "change_kind": CHANGE_KIND,
    "verify_problem": VERIFY_PROBLEM,
    "catalog_table": CATALOG_TABLE,
    "diff_kind": DIFF_KIND,
    "edition_kind": EDITION_KIND,
    "channel": CHANNEL,
    "deadline_from": DEADLINE_FROM,
    "log_action": LOG_ACTION,
    "log_outcome": LOG_OUTCOME,
    "setting": SETTING,
}


def name(table: Mapping[str, str], value: object) -> str:
    """The Chinese name of ``value`` in ``table`` (an enum member or its value); a value the
    table does not know is shown as it is (a code a newer archive wrote)."""
    key = str(getattr(value, "value", value))
    return table.get(key, key)


# --- dates ---------------------------------------------------------------------------------

#: How an unknown date reads.
NO_DATE = "日期不详"


def date(value: _dt.date | _dt.datetime | str | None, missing: str = NO_DATE) -> str:
    """A date as a sentence writes it: ``2026年4月1日`` (``missing`` when unknown; an ISO
    string is read first, other text is returned as it is)."""
    if value is None or value == "":
        return missing
    if isinstance(value, str):
        try:
            day: _dt.date = _dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    else:
        day = value
    return f"{day.year}年{day.month}月{day.day}日"


def column_date(value: _dt.date | None, missing: str = "----------") -> str:
    """A date in the date column of a listing: ISO, ten characters."""
    return value.isoformat() if value is not None else missing


def timestamp(value: _dt.datetime | str | None) -> str:
    """A moment: ``2026年4月1日 08:30``."""
    if value is None or value == "":
        return NO_DATE
    if isinstance(value, str):
        try:
            moment = _dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        moment = value
    return f"{date(moment)} {moment:%H:%M}"


def span(first: str, last: str) -> str:
    """``first至last``."""
    return f"{first}至{last}"


# --- system errors -----------------------------------------------------------------------

_ERRNO = {
    "ENOENT": "文件不存在",
    "EACCES": "没有权限",
    "EPERM": "没有权限",
    "EISDIR": "是文件夹",
    "ENOTDIR": "路径中有一段不是文件夹",
    "ENOSPC": "磁盘空间不足",
    "EROFS": "文件系统只读",
    "ELOOP": "符号链接循环",
    "ENAMETOOLONG": "文件名过长",
    "EIO": "读写出错",
    "EEXIST": "已存在",
    "ENOTEMPTY": "文件夹不是空的",
    "EBUSY": "正被占用",
}


def os_error(exc: BaseException) -> str:
    """Why a file operation failed, in Chinese (the system's own text is English)."""
    import errno as _errno

    code = getattr(exc, "errno", None)
    symbol = _errno.errorcode.get(code, "") if isinstance(code, int) else ""
    if symbol in _ERRNO:
        return _ERRNO[symbol]
    return f"系统错误 {symbol}" if symbol else "系统错误"


__all__ = [
    "GLOSSARY",
    "NO_DATE",
    "column_date",
    "date",
    "name",
    "os_error",
    "span",
    "timestamp",
]
