"""Documents the export tests render: one per shape and status, written for this project.

They are model values (no archive needed), with fixed ids and dates so that renderings are
stable; :func:`store` puts them into an archive when a test needs one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs

from gazette import Archive, Submission
from gazette.archive.store import sha256_file
from gazette.model import (
    Block,
    BlockKind,
    Disclosure,
    DisclosureAttribute,
    DocRef,
    Document,
    EventKind,
    Ground,
    IssueNumber,
    LifecycleEvent,
    Provenance,
    ProvenanceKind,
    Publication,
    SourceFile,
    TextOrigin,
    TextVersion,
)

ON = dt.date(2025, 1, 1)
B = Block
K = BlockKind
PARSED = Provenance(ProvenanceKind.PARSED, source="fixture", excerpt="（fixture）")
PUBLIC = Disclosure(DisclosureAttribute.PROACTIVE, basis="附注：（此件公开发布）")
GAZETTE = Publication(
    channel="gazette",
    name="青川市人民政府公报",
    issue=IssueNumber(2019, 5, unit="号"),
    total=321,
    pages=(4, 7),
    date=dt.date(2019, 5, 20),
)


def _event(
    kind: EventKind, date: dt.date, acting: str | None = None, **kw: object
) -> LifecycleEvent:
    ref = DocRef(text=f"《{acting}》", title=acting) if acting else None
    return LifecycleEvent(kind, date, PARSED, acting=ref, **kw)  # type: ignore[arg-type]


def repealed_rule() -> Document:
    """A rule printed in the gazette (the standard text), with chapters and articles, repealed
    by a later rule."""
    blocks = [
        B("青川市人民政府令", K.HEADER),
        B("第12号", K.HEADER),
        B(
            "《青川市行政规范性文件管理办法》已经2019年4月28日市政府第30次常务会议通过，现予公布，自2019年6月1日起施行。",
            K.PREAMBLE,
        ),
        B("市长 王青川", K.SIGNATURE),
        B("2019年5月6日", K.DATE),
        B("青川市行政规范性文件管理办法", K.TITLE),
        B("第一章　总则", K.HEADING, 1),
        B(
            "第一条　为了规范行政规范性文件的制定和监督管理，根据有关法律、法规，结合本市实际，制定本办法。",
            K.ARTICLE,
        ),
        B(
            "第二条　本办法所称行政规范性文件，是指除政府规章外，行政机关依照法定权限、程序制定并公开发布的公文。",
            K.ARTICLE,
        ),
        B("行政机关内部执行的管理规范，不适用本办法。", K.PARAGRAPH),
        B("第二章　制定程序", K.HEADING, 1),
        B("第一节　起草", K.HEADING, 2),
        B("第三条　起草行政规范性文件，应当进行调查研究，充分听取意见。", K.ARTICLE),
        B("第二节　审核", K.HEADING, 2),
        B("第四条　行政规范性文件应当经制定机关负责法制工作的机构合法性审核。", K.ARTICLE),
        B("第三章　附则", K.HEADING, 1),
        B("第五条　本办法自2019年6月1日起施行。", K.ARTICLE),
    ]
    return Document(
        id="qc-rule-12",
        title="青川市行政规范性文件管理办法",
        doc_number="青川市人民政府令第12号",
        doc_type="令",
        issuers=("青川市人民政府",),
        signer="市长 王青川",
        written_date=dt.date(2019, 5, 6),
        published_date=dt.date(2019, 5, 20),
        disclosure=PUBLIC,
        texts=(
            TextVersion(
                blocks=tuple(blocks),
                origin=TextOrigin.GAZETTE,
                standard=True,
                pages=(4, 7),
                effective=dt.date(2019, 6, 1),
                id=101,
            ),
        ),
        events=(
            _event(EventKind.PROMULGATED, dt.date(2019, 5, 6)),
            _event(EventKind.EFFECTIVE, dt.date(2019, 6, 1)),
            _event(EventKind.REPEALED, dt.date(2024, 11, 1), "青川市行政规范性文件管理规定"),
        ),
        publications=(GAZETTE,),
    )


def notice_with_attachments() -> Document:
    """A GB/T 9704 notice with two attachments (one a table), 附注, 抄送 and 印发, declared
    invalid by a cleanup decision."""
    carrier = [
        B("青川市人民政府办公室文件", K.HEADER),
        B("青政办发〔2021〕12号", K.HEADER),
        B("青川市人民政府办公室关于印发青川市政务公开工作要点和任务分工的通知", K.TITLE),
        B("各区县人民政府，市政府各部门：", K.RECIPIENTS),
        B(
            "《青川市政务公开工作要点》和任务分工已经市政府同意，现印发给你们，请认真贯彻落实。",
            K.PARAGRAPH,
        ),
        B("附件：1.青川市政务公开工作要点", K.ATTACHMENT_NOTE),
        B("2.任务分工表", K.ATTACHMENT_NOTE),
        B("青川市人民政府办公室", K.SIGNATURE),
        B("2021年3月15日", K.DATE),
        B("（此件公开发布）", K.NOTE),
        B("抄送：市委各部门，市人大常委会办公室，市政协办公室。", K.CC),
        B("青川市人民政府办公室2021年3月15日印发", K.PRINTED),
    ]
    points = [
        B("青川市政务公开工作要点", K.TITLE),
        B("一、总体要求", K.HEADING, 1),
        B("坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开。", K.PARAGRAPH),
        B("（一）推进重点领域信息公开。围绕“放管服”改革，公开权责清单和办事指南。", K.PARAGRAPH, 2),
        B("1.公开权责清单", K.HEADING, 3),
        B("各部门应当在政府网站公开本部门权责清单。", K.PARAGRAPH),
        B("二、保障措施", K.HEADING, 1),
        B("各区县、各部门要明确分管负责人和工作机构。", K.PARAGRAPH),
    ]
    table = [
        B("任务分工表", K.TITLE),
        B("序号\t任务\t责任单位", K.TABLE),
        B("1\t公开权责清单\t市政府办公室", K.TABLE),
        B("2\t更新办事指南\t市政务服务中心", K.TABLE),
    ]
    number = "青政办发〔2021〕12号"
    written = dt.date(2021, 3, 15)
    parts = (
        Document(
            id="qc-notice-21-12.1",
            title="青川市政务公开工作要点",
            doc_number=number,
            written_date=written,
            disclosure=PUBLIC,
            part_label="附件1",
            parent_id="qc-notice-21-12",
            texts=(TextVersion(blocks=tuple(points), id=202),),
        ),
        Document(
            id="qc-notice-21-12.2",
            title="任务分工表",
            doc_number=number,
            written_date=written,
            disclosure=PUBLIC,
            part_label="附件2",
            parent_id="qc-notice-21-12",
            texts=(TextVersion(blocks=tuple(table), id=203),),
        ),
    )
    return Document(
        id="qc-notice-21-12",
        title="青川市人民政府办公室关于印发青川市政务公开工作要点和任务分工的通知",
        doc_number=number,
        doc_type="通知",
        issuers=("青川市人民政府办公室",),
        issuer_mark="青川市人民政府办公室文件",
        recipients=("各区县人民政府", "市政府各部门"),
        cc=("市委各部门", "市人大常委会办公室", "市政协办公室"),
        written_date=written,
        printed_by="青川市人民政府办公室",
        printed_date=written,
        note="（此件公开发布）",
        attachment_notes=("1.青川市政务公开工作要点", "2.任务分工表"),
        disclosure=PUBLIC,
        texts=(TextVersion(blocks=tuple(carrier), id=201),),
        events=(
            _event(EventKind.EFFECTIVE, written),
            _event(
                EventKind.DECLARED_INVALID,
                dt.date(2023, 12, 31),
                "青川市人民政府关于公布规范性文件清理结果的决定",
            ),
        ),
        parts=parts,
    )


def amended_regulation() -> Document:
    """A regulation the archive holds only in its superseded text: amended."""
    blocks = [
        B("青川市物业管理条例", K.TITLE),
        B("（2016年9月1日青川市第八届人民代表大会常务委员会第三次会议通过）", K.SUBTITLE),
        B(
            "第一条　为了规范物业管理活动，维护业主和物业服务企业的合法权益，制定本条例。",
            K.ARTICLE,
        ),
        B("第二条　本条例适用于本市行政区域内的物业管理活动。", K.ARTICLE),
    ]
    return Document(
        id="qc-wuye",
        title="青川市物业管理条例",
        doc_type="条例",
        issuers=("青川市人民代表大会常务委员会",),
        published_date=dt.date(2016, 9, 2),
        disclosure=PUBLIC,
        texts=(
            TextVersion(
                blocks=tuple(blocks),
                adopted=dt.date(2016, 9, 1),
                effective=dt.date(2017, 1, 1),
                id=301,
            ),
        ),
        events=(
            _event(EventKind.EFFECTIVE, dt.date(2017, 1, 1)),
            _event(
                EventKind.AMENDED,
                dt.date(2022, 7, 1),
                "青川市人民代表大会常务委员会关于修改《青川市物业管理条例》的决定",
            ),
        ),
    )


def partially_invalid_portal_notice() -> Document:
    """A portal page (not the standard text; the gazette printed it too), partly invalid."""
    blocks = [
        B("青川市人民政府关于加强城市道路管理的通告", K.TITLE),
        B("青政通〔2020〕3号", K.HEADER),
        B("为加强城市道路管理，现将有关事项通告如下：", K.PARAGRAPH),
        B("一、禁止在城市道路上擅自设置摊点。", K.PARAGRAPH, 1),
        B("二、占用城市道路须经批准，并按规定缴纳占道费。", K.PARAGRAPH, 1),
        B("三、本通告自发布之日起施行。", K.PARAGRAPH, 1),
        B("青川市人民政府", K.SIGNATURE),
        B("2020年4月1日", K.DATE),
    ]
    return Document(
        id="qc-road-20-3",
        title="青川市人民政府关于加强城市道路管理的通告",
        doc_number="青政通〔2020〕3号",
        doc_type="通告",
        issuers=("青川市人民政府",),
        written_date=dt.date(2020, 4, 1),
        published_date=dt.date(2020, 4, 2),
        index_number="QC-2020-00031",
        subject="城乡建设、环境保护\\城市道路",
        disclosure=PUBLIC,
        texts=(TextVersion(blocks=tuple(blocks), origin=TextOrigin.PORTAL, id=401),),
        events=(
            _event(EventKind.EFFECTIVE, dt.date(2020, 4, 1)),
            _event(
                EventKind.PARTIALLY_INVALID,
                dt.date(2023, 6, 1),
                "青川市人民政府关于废止和修改部分规范性文件的决定",
                articles=("第二项",),
            ),
        ),
        publications=(
            Publication(
                channel="portal",
                name="青川市人民政府网",
                date=dt.date(2020, 4, 2),
                url="http://www.qingchuan.example/zwgk/2020/3.html",
            ),
            Publication(
                channel="gazette",
                name="青川市人民政府公报",
                issue=IssueNumber(2020, 4, unit="号"),
                pages=(12, 13),
                date=dt.date(2020, 4, 30),
            ),
        ),
    )


def joint_notice_in_force() -> Document:
    """A joint document (two organs sign) in force, with 签发人 on the number line (header and
    title lines without spaces, as the element parser gives them)."""
    blocks = [
        B("加急", K.HEADER),
        B("青川市财政局青川市教育局文件", K.HEADER),
        B("青财教〔2022〕8号签发人：李明", K.HEADER),
        B("青川市财政局青川市教育局关于下达2022年学生资助资金的请示", K.TITLE),
        B("市人民政府：", K.RECIPIENTS),
        B("根据有关规定，现将2022年学生资助资金分配方案报上，请审定。", K.PARAGRAPH),
        B("青川市财政局 青川市教育局", K.SIGNATURE),
        B("2022年2月8日", K.DATE),
        B("（联系人：张三，电话：12345678）", K.NOTE),
    ]
    return Document(
        id="qc-joint-22-8",
        title="青川市财政局青川市教育局关于下达2022年学生资助资金的请示",
        doc_number="青财教〔2022〕8号",
        doc_type="请示",
        issuers=("青川市财政局", "青川市教育局"),
        signer="李明",
        urgency="加急",
        written_date=dt.date(2022, 2, 8),
        disclosure=PUBLIC,
        texts=(TextVersion(blocks=tuple(blocks), id=501),),
        events=(_event(EventKind.EFFECTIVE, dt.date(2022, 2, 8)),),
    )


CASES = {
    "repealed-rule": repealed_rule,
    "notice-attachments": notice_with_attachments,
    "amended-regulation": amended_regulation,
    "partial-portal-notice": partially_invalid_portal_notice,
    "joint-in-force": joint_notice_in_force,
}


# --- putting documents into an archive ------------------------------------------------------


def store(archive: Archive, doc: Document, tmp: Path, *, name: str | None = None) -> str:
    """Add a document to an archive as if read from a file; returns its id."""
    from gazette.export.txt import render

    path = tmp / f"{name or doc.id or 'doc'}.txt"
    path.write_bytes(render(doc, on=ON))
    source = SourceFile(
        sha256=sha256_file(path), format="txt", path=str(path), size=path.stat().st_size
    )
    result = archive.add(Submission(source=source, path=path, documents=(doc,)))
    return result.ids[0]


def with_disclosure(doc: Document, attribute: DisclosureAttribute, **kw: object) -> Document:
    """The same document with another disclosure attribute (and reason); a document that is
    not public loses what would show it was published (publications, a portal's 索引号)."""
    reasons = {
        DisclosureAttribute.WITHHELD: ("内部事务信息", (Ground.INTERNAL_AFFAIRS,)),
        DisclosureAttribute.ON_REQUEST: ("涉及特定群体", ()),
        DisclosureAttribute.PARTIAL: ("含个人信息", (Ground.PERSONAL_PRIVACY,)),
    }
    reason, grounds = reasons.get(attribute, (None, ()))
    doc = doc.with_disclosure(Disclosure(attribute, reason=reason, grounds=grounds, **kw))  # type: ignore[arg-type]
    if not attribute.public:
        # A document printed in a gazette or on a portal is public by that fact: no such trace.
        texts = tuple(
            attrs.evolve(t, origin=TextOrigin.FILE, standard=False, pages=None) for t in doc.texts
        )
        doc = attrs.evolve(doc, publications=(), index_number=None, texts=texts)
    return doc
