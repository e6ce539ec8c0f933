#!/usr/bin/env bash
# Turns the hex dumps make-linktypes.py writes into captures with text2pcap.
set -euo pipefail
cd "$(dirname "$0")"
python3 make-linktypes.py sll.pcap
for pair in null:0 loop:108 ppp:9 ipv4:228 ipv6:229 raw12:12; do
    name=${pair%%:*} dlt=${pair##*:}
    TZ=UTC text2pcap -q -F pcap -l "$dlt" -t '%Y-%m-%d %H:%M:%S.%f' "$name.txt" "$name.pcap"
done
