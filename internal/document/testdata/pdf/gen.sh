#!/bin/sh
# Regenerates the PDF fixtures from the groff sources beside this script.
# Needs Debian's groff (for gropdf), qpdf and enscript + ghostscript.
set -e
cd "$(dirname "$0")"
groff -ms -t -Tpdf advisory.ms > advisory.pdf
groff -ms -Tpdf twocol.ms > twocol.pdf
qpdf --encrypt user owner 256 -- advisory.pdf encrypted.pdf
qpdf --object-streams=generate --compress-streams=y advisory.pdf objstm.pdf
enscript -q -B -p - plain.txt | ps2pdf - plain.pdf
