"""Typeset the sample gazette issue: 青川市人民政府公报 2021年第4期 (a fictional city).

Writes ``archive_data/gazettes/qcsb-gazette-2021-04.pdf``, the sample corpus's gazette issue:
born digital, with a cover, a 目录, running headers and page numbers, holding three items: a
notice of the city government, the city government office's notice 青政办发〔2021〕12号 (whose
text is also in ``archive_data/documents/qcsb-2021-12.txt``: the main job ingests both, and
the gazette's text becomes the document's standard text), and a personnel item without a
number. Everything here was written for this project.

Run from the project root (needs reportlab, from the ``test`` extra)::

    python examples/make_gazette.py

The output is byte-for-byte reproducible.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "archive_data"
sys.path.insert(0, str(ROOT))

from tests.gazette_issues import (  # noqa: E402
    IssueSpec,
    ItemSpec,
    Para,
    paras_from_document_text,
)
from tests.gazette_pdf import render_pdf  # noqa: E402

OUTPUT = DATA / "gazettes" / "qcsb-gazette-2021-04.pdf"

CYCLE_NOTICE = ItemSpec(
    section="市政府文件",
    title="青川市人民政府关于调整市政府公报出版安排的通知",
    number="青政发〔2021〕8号",
    paras=(
        Para("青川市人民政府关于调整市政府公报出版安排的通知", "title"),
        Para("青政发〔2021〕8号", "number"),
        Para("各区县人民政府，市政府各部门：", "flush"),
        Para(
            "为进一步发挥政府公报作为刊登规章和规范性文件法定载体的作用，提高公报的时效性，"
            "市政府决定自2021年第4期起调整市政府公报出版安排。现将有关事项通知如下："
        ),
        Para("一、市政府公报每月出版一期，每期于当月月底前出版，遇特殊情况可出版合刊。"),
        Para(
            "二、各区县人民政府、市政府各部门制发的规范性文件，应当在印发之日起5个工作日内"
            "报送市政府办公室，由市政府办公室统一安排在市政府公报刊登。"
        ),
        Para("三、市政府公报刊登的文本为标准文本，电子版与纸质版同步在市政府门户网站发布。"),
        Para("青川市人民政府", "right"),
        Para("2021年3月22日", "right"),
        Para("（此件公开发布）"),
    ),
    source="written for this project",
)

PERSONNEL = ItemSpec(
    section="人事任免",
    title="青川市人民政府任免工作人员",
    number=None,
    paras=(
        Para("青川市人民政府任免工作人员", "title"),
        Para("任命林晓东为青川市人民政府办公室副主任。"),
        Para("免去赵海宁的青川市数据资源管理局副局长职务。"),
    ),
    source="written for this project",
)


def spec() -> IssueSpec:
    notice_text = (DATA / "documents" / "qcsb-2021-12.txt").read_text(encoding="utf-8")
    notice = ItemSpec(
        section="市政府办公室文件",
        title="青川市人民政府办公室关于印发青川市政务公开工作实施办法的通知",
        number="青政办发〔2021〕12号",
        paras=paras_from_document_text(notice_text),
        source="archive_data/documents/qcsb-2021-12.txt",
    )
    return IssueSpec(
        gazette="青川市人民政府公报",
        short="青川政报",
        year=2021,
        numbers=(4,),
        items=(CYCLE_NOTICE, notice, PERSONNEL),
        total=52,
        total_style="总第{}期",
        date=dt.date(2021, 3, 31),
        sponsor="青川市人民政府办公室主办",
        toc="paren",
    )


def main() -> None:
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    layout = render_pdf(spec(), OUTPUT)
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {layout.page_count} pages")
    for item in layout.truth():
        print(f"  {item['section']}: {item['title']} {item['number'] or ''} pages {item['pages']}")


if __name__ == "__main__":
    main()
