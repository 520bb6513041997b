#!/usr/bin/env sh
# The main job on the bundled sample corpus: ingest archive_data/, then show what the archive
# knows. It works in a folder of its own, ./demo (or $GAZETTE_DEMO_DIR), holding the demo
# archive and its exports. It never touches $GAZETTE_ARCHIVE, and it only ever deletes a folder
# it made itself (marked by the file .gazette-demo): any other existing folder is refused.
set -eu
cd "$(dirname "$0")/.."
DEMO="${GAZETTE_DEMO_DIR:-demo}"
MARK=".gazette-demo"
if [ -e "$DEMO" ]; then
  if [ ! -f "$DEMO/$MARK" ]; then
    echo "main_job.sh：$DEMO 已存在，且不是本演示创建的，不予改动" \
      "（请将 GAZETTE_DEMO_DIR 设为一个新的文件夹）" >&2
    exit 1
  fi
  rm -rf "$DEMO"
fi
mkdir -p "$DEMO"
echo "made by examples/main_job.sh; deleted by its next run" > "$DEMO/$MARK"
ARCHIVE="$DEMO/archive"
EXPORTS="$DEMO/exports"
export GAZETTE_ARCHIVE="$ARCHIVE"
GZ="python3 -m gazette"

echo "== 入库 archive_data/"
$GZ ingest --recursive archive_data
echo
echo "== 文件列表（公开视图）"
$GZ list
echo
echo "== 查看 青政办发[2021]12号"
$GZ show '青政办发[2021]12号'
echo
echo "== 政府公报：青政办发〔2021〕12号 是2021年第4期的第2条，公报所载即其标准文本"
$GZ issues
echo
echo "== 公报缺期"
$GZ report gaps
echo
echo "== 检索 政务公开（公开视图）"
$GZ search 政务公开
echo
echo "== 青政发〔2019〕30号 在2020年6月1日和今天的时效性"
$GZ status '青政发〔2019〕30号' --on 2020-06-01
$GZ status '青政发〔2019〕30号'
echo
echo "== 它的时间线，以及档案尚不能解析的引用"
$GZ timeline '青政发〔2019〕30号'
$GZ report unresolved
echo
echo "== 2024年6月1日各时效状态的文件数，以及2025年11月1日起180天内有效期届满的文件"
$GZ report status --on 2024-06-01
$GZ report expiring --within 180d --on 2025-11-01
echo
echo "== 实施办法及其政策解读（入库时关联）"
$GZ interpretation list 青川市政务公开工作实施办法
echo
echo "== 政策解读情况（缺少和滞后的解读，公开视图）"
$GZ report interpretations
echo
echo "== 2021年3月15日成文的文件的主动公开期限（第二十六条）"
$GZ deadline 2021-03-15 --rule proactive
echo
echo "== 公开属性情况（内部视图：统计和待复核）"
$GZ report disclosure --view internal --as-of 2025-01-01
echo
echo "== 导出：带时效标注的文本；Word（GB/T 9704版式）和 Akoma Ntoso"
$GZ export '青政发〔2019〕30号' | head -n 12
$GZ export '青政发〔2019〕30号' --format docx -o "$EXPORTS/qcsb-2019-30.docx"
$GZ export '青政发〔2019〕30号' --format akn -o "$EXPORTS/qcsb-2019-30.xml"
echo
echo "== 比对档案中的文本与其来源文件（不计版式和标点全半角）"
$GZ diff '青政发〔2019〕30号' archive_data/documents/qcsb-2019-30.txt
echo
echo "== 将公开视图中的全部内容打成 BagIt 包"
$GZ export --bag "$EXPORTS/bag"
echo
echo "== 再次入库：每个文件都是重复的"
$GZ ingest --recursive archive_data | tail -n 2
echo
echo "== 校验"
$GZ verify
