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
    echo "main_job.sh: $DEMO exists and was not made by this demo; not touching it" \
      "(set GAZETTE_DEMO_DIR to a new folder)" >&2
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

echo "== ingest archive_data/"
$GZ ingest --recursive archive_data
echo
echo "== list (public view)"
$GZ list
echo
echo "== show 青政办发[2021]12号"
$GZ show '青政办发[2021]12号'
echo
echo "== gazette issues: 青政办发〔2021〕12号 is item 2 of 2021年第4期, whose text is its standard text"
$GZ issues
echo
echo "== gaps in the gazette's run of issues"
$GZ report gaps
echo
echo "== search 政务公开 (public view)"
$GZ search 政务公开
echo
echo "== status of 青政发〔2019〕30号 on 2020-06-01 and today"
$GZ status '青政发〔2019〕30号' --on 2020-06-01
$GZ status '青政发〔2019〕30号'
echo
echo "== its timeline, and the references the archive cannot resolve yet"
$GZ timeline '青政发〔2019〕30号'
$GZ report unresolved
echo
echo "== documents by status on 2024-06-01, and validity periods ending within 180 days of 2025-11-01"
$GZ report status --on 2024-06-01
$GZ report expiring --within 180d --on 2025-11-01
echo
echo "== the 实施办法 and its interpretation (政策解读, linked on ingest)"
$GZ interpretation list 青川市政务公开工作实施办法
echo
echo "== report interpretations (missing and late, public view)"
$GZ report interpretations
echo
echo "== proactive disclosure deadline for a document written 2021-03-15 (第二十六条)"
$GZ deadline 2021-03-15 --rule proactive
echo
echo "== report disclosure (internal view: counts and the review queue)"
$GZ report disclosure --view internal --as-of 2025-01-01
echo
echo "== export it: the standard text under its status mark; Word (GB/T 9704) and Akoma Ntoso"
$GZ export '青政发〔2019〕30号' | head -n 12
$GZ export '青政发〔2019〕30号' --format docx -o "$EXPORTS/qcsb-2019-30.docx"
$GZ export '青政发〔2019〕30号' --format akn -o "$EXPORTS/qcsb-2019-30.xml"
echo
echo "== compare the archive's text with the file it came from (layout and punctuation width aside)"
$GZ diff '青政发〔2019〕30号' archive_data/documents/qcsb-2019-30.txt
echo
echo "== a BagIt package of everything the public may see"
$GZ export --bag "$EXPORTS/bag"
echo
echo "== ingest again: every file is a duplicate"
$GZ ingest --recursive archive_data | tail -n 2
echo
echo "== verify"
$GZ verify
