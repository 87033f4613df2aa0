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

# long.pdf: a 100-page two-column report for the benchmark (seeded, so the
# words are the same each run; the creation date is not).
python3 - <<'PY'
import random
random.seed(11)
words = ("actor loader beacon payload domain server registry credential phishing "
         "document macro persistence network traffic archive exfiltration defender "
         "analyst sample implant module process memory service update campaign "
         "infrastructure certificate").split()
out = [".TL", "Annual Threat Landscape (benchmark corpus)", ".AU", "Tipster Test Lab", ".2C"]
for i in range(1, 586):
    if i % 12 == 1:
        out += [".NH", "Section %d" % (i // 12 + 1)]
    out.append(".PP")
    ws = [random.choice(words) for _ in range(95)]
    out.append("P%03d " % i + " ".join(ws) + " 198.51.100.%d." % (i % 255))
open("long.ms", "w").write("\n".join(out) + "\n")
PY
groff -ms -Tpdf long.ms > long.pdf
rm long.ms
