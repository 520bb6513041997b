"""Write the sample corpus's DOCX, HTML and PDF documents of the fictional city of 青川市.

Run from the project root (the PDF needs LibreOffice, ``soffice``)::

    python tests/make_sample_corpus.py

(The script lives here, not in ``archive_data/``, because everything in that folder is
ingested by the main job.)

It writes into ``archive_data/documents/``:

* ``qcsb-2023-8.docx`` — a red-header 印发 notice with its attached 办法, 附注, 抄送 and 印发,
  page numbers in the footer (python-docx);
* ``qcsb-2022-9.page.html`` — a portal page with its metadata table (索引号, 主题分类 …, labels
  with spacing inside) around the body of an 意见;
* ``qcsb-ling-3.pdf`` — a decree (青川市人民政府令 第3号) and the 规章 it promulgates, over
  several pages with page numbers, exported to PDF by LibreOffice from a DOCX the script
  writes first.

Every document, organ and person here is invented.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.raw import Line  # noqa: E402
from tests.render import soffice_pdf, write_docx  # noqa: E402

OUT = ROOT / "archive_data" / "documents"
RED = "FF0000"


def center(text: str, size: float = 16.0, bold: bool = False, color: str | None = None) -> Line:
    return Line(text, align="center", size=size, bold=bold, color=color)


def right(text: str) -> Line:
    return Line(text, align="right")


def body(text: str) -> Line:
    return Line(text, indent=2.0)


def flush(text: str) -> Line:
    return Line(text, indent=0.0)


# --- the DOCX: a 印发 notice --------------------------------------------------------------

NOTICE = [
    center("青川市人民政府办公室文件", size=36, color=RED),
    center("青政办发〔2023〕8号"),
    center("青川市人民政府办公室关于印发", size=22, bold=True),
    center("青川市政策解读工作办法的通知", size=22, bold=True),
    flush("各区县人民政府，市政府各部门："),
    body("《青川市政策解读工作办法》已经市政府同意，现印发给你们，请认真贯彻执行。"),
    right("青川市人民政府办公室"),
    right("2023年4月10日"),
    body("（此件公开发布）"),
    center("青川市政策解读工作办法", size=22, bold=True),
    center("第一章　总则", bold=True),
    body(
        "第一条　为规范政策解读工作，增进公众对政策的理解和支持，根据《中华人民共和国政府信息公开条例》等规定，结合本市实际，制定本办法。"
    ),
    body("第二条　本办法适用于市政府及其部门制定的规范性文件和其他政策性文件的解读工作。"),
    body(
        "第三条　政策解读坚持谁起草、谁解读的原则，解读材料与政策文件同步组织、同步审签、同步部署。"
    ),
    center("第二章　解读方式", bold=True),
    body("第四条　政策解读可以采用文字解读、图解、音视频、专家解读、答记者问等形式。"),
    body(
        "第五条　解读材料应当与政策文件同时在市政府门户网站发布，并在解读材料中标明所解读文件的标题和发文字号。"
    ),
    center("第三章　附则", bold=True),
    body("第六条　本办法自2023年5月1日起施行，有效期5年。"),
    flush("抄送：市委办公室，市人大常委会办公室，市政协办公室。"),
    flush("青川市人民政府办公室　　2023年4月10日印发"),
]


def write_notice(path: Path) -> Path:
    import docx

    write_docx(path, NOTICE, header=None, page_numbers=True)
    document = docx.Document(str(path))
    properties = document.core_properties
    properties.author = "青川市人民政府办公室"
    properties.title = "青川市人民政府办公室关于印发青川市政策解读工作办法的通知"
    properties.created = properties.modified = dt.datetime(2023, 4, 10, 9, 0, 0)
    properties.last_modified_by = "青川市人民政府办公室"
    properties.revision = 1
    document.save(str(path))
    return path


# --- the HTML portal page --------------------------------------------------------------

OPINION = [
    center("青川市人民政府关于进一步做好", size=18, bold=True),
    center("政务公开工作的意见", size=18, bold=True),
    center("青政发〔2022〕9号"),
    flush("各区县人民政府，市政府各部门："),
    body("为深入贯彻《中华人民共和国政府信息公开条例》，进一步提升政务公开质量，现提出如下意见。"),
    body("一、提高主动公开质量"),
    body(
        "（一）规范公开属性。各部门在拟制公文时应当明确主动公开、依申请公开或者不予公开，并在附注中注明。"
    ),
    body("（二）做好政策解读。政策文件与解读材料同步组织、同步审签、同步部署，谁起草、谁解读。"),
    body("二、依法办理依申请公开"),
    body(
        "各部门应当自收到申请之日起20个工作日内予以答复；需要延长答复期限的，延长的期限最长不得超过20个工作日。"
    ),
    right("青川市人民政府"),
    right("2022年6月20日"),
]

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}_青川市人民政府门户网站</title>
<script>var siteId = "qingchuan";</script>
<style>.bd1 td {{ font-size: 12px; }}</style></head>
<body>
<div class="header"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政策文件</div>
<table class="bd1">
<tr><td><b>索 引 号：</b></td><td>11512300/2022-00031</td><td><b>主题分类：</b></td><td>政务公开</td></tr>
<tr><td><b>发文机关：</b></td><td>青川市人民政府</td><td><b>成文日期：</b></td><td>2022年06月20日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">{title}</td></tr>
<tr><td><b>发文字号：</b></td><td>青政发〔2022〕9号</td><td><b>发布日期：</b></td><td>2022年06月28日</td></tr>
</table>
<div class="TRS_Editor">
{body}
</div>
<div class="share">扫一扫在手机打开当前页</div>
<div class="footer">主办：青川市人民政府办公室</div>
</body></html>
"""


def paragraph_html(line: Line) -> str:
    style = []
    if line.align:
        style.append(f"text-align: {line.align}")
    if line.indent:
        style.append(f"text-indent: {line.indent:g}em")
    text = escape(line.text)
    if line.bold or line.size:
        span = []
        if line.bold:
            span.append("font-weight: bold")
        if line.size:
            span.append(f"font-size: {line.size:g}pt")
        text = f'<span style="{"; ".join(span)}">{text}</span>'
    return f'<p style="{"; ".join(style)}">{text}</p>'


def write_page(path: Path) -> Path:
    title = "青川市人民政府关于进一步做好政务公开工作的意见"
    content = "\n".join(paragraph_html(line) for line in OPINION)
    path.write_text(PAGE.format(title=title, body=content), encoding="utf-8")
    return path


# --- the PDF: a decree and its 规章 --------------------------------------------------------

ARTICLES = [
    "为了规范行政规范性文件的制定和监督管理，保证行政规范性文件合法有效，根据有关法律、法规，结合本市实际，制定本办法。",
    "本办法所称行政规范性文件，是指除政府规章外，由行政机关依照法定权限、程序制定并公开发布，涉及公民、法人和其他组织权利义务，具有普遍约束力，在一定期限内反复适用的公文。",
    "行政规范性文件不得增加法律、法规规定之外的行政权力事项，不得减少法定职责。",
    "起草行政规范性文件，应当进行调查研究，充分听取公众意见；涉及重大公共利益的，应当举行听证。",
    "行政规范性文件应当经制定机关法制机构合法性审核；未经合法性审核或者经审核不合法的，不得提交审议。",
    "行政规范性文件应当由制定机关统一登记、统一编号、统一印发，并在青川市人民政府公报和门户网站全文公布。",
    "行政规范性文件的有效期一般不超过5年；名称冠以“暂行”“试行”的，有效期不超过2年。",
    "制定机关应当在有效期届满前6个月对行政规范性文件进行评估，认为需要继续施行的，应当重新公布。",
    "制定机关应当每隔两年对行政规范性文件进行一次全面清理，清理结果向社会公布。",
    "公民、法人和其他组织认为行政规范性文件违法的，可以向制定机关或者市司法行政部门提出审查建议。",
]


def decree_lines() -> list[Line]:
    lines = [
        center("青川市人民政府令", size=26, bold=True, color=RED),
        center("第3号"),
        body(
            "《青川市行政规范性文件管理办法》已经2023年9月5日市人民政府第12次常务会议通过，"
            "现予公布，自2023年11月1日起施行。"
        ),
        right("市长　张明远"),
        right("2023年9月20日"),
        center("青川市行政规范性文件管理办法", size=22, bold=True),
        center("（2023年9月20日青川市人民政府令第3号公布）"),
    ]
    chapters = {
        0: "第一章　总则",
        3: "第二章　制定程序",
        6: "第三章　有效期和清理",
        9: "第四章　监督",
    }
    numerals = "一二三四五六七八九十"
    for k, text in enumerate(ARTICLES):
        if k in chapters:
            lines.append(center(chapters[k], bold=True))
        lines.append(body(f"第{numerals[k] if k < 10 else '十' + numerals[k - 10]}条　{text}"))
        # A second paragraph under each article gives the file several pages.
        lines.append(
            body(
                "制定机关应当建立健全工作制度，明确责任分工，保障本条规定落实到位；"
                "有关部门应当按照各自职责做好相关工作，加强协调配合，及时研究解决工作中遇到的问题。"
            )
        )
    lines.append(body("第十一条　本办法自2023年11月1日起施行。"))
    return lines


def write_decree(path: Path) -> Path | None:
    with tempfile.TemporaryDirectory() as tmp:
        source = write_docx(Path(tmp) / (path.stem + ".docx"), decree_lines())
        converted = soffice_pdf([source], Path(tmp))
        if not converted:
            print("LibreOffice (soffice) is not installed: the PDF is not written", file=sys.stderr)
            return None
        shutil.copyfile(converted[0], path)
    return path


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for written in (
        write_notice(OUT / "qcsb-2023-8.docx"),
        write_page(OUT / "qcsb-2022-9.page.html"),
        write_decree(OUT / "qcsb-ling-3.pdf"),
    ):
        if written is not None:
            print(f"wrote {written.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
