#!/usr/bin/env bash
# Rebuilds datasets/sample/ (the bundled sample corpus) from Debian packages, without installing
# them: apt-get download + dpkg -x into a scratch directory. Public-domain texts only.
#   bible-kjv, bible-kjv-text  The King James Bible (printed by the package's own `bible` program)
#   dict-devil                 Ambrose Bierce, The Devil's Dictionary
#   jargon-text                The Jargon File 4.4.7
set -euo pipefail
out=$(cd "$(dirname "$0")/.." && pwd)/sample
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
packages="bible-kjv bible-kjv-text dict-devil jargon-text"
# a fresh machine may have no package lists yet: fetch them once and try again
apt-get download $packages >/dev/null 2>&1 || { apt-get update -qq && apt-get download $packages >/dev/null; }
for deb in *.deb; do dpkg -x "$deb" root; done
mkdir -p "$out"
root/usr/bin/bible -p root/usr/lib "Gen1:1-Rev22:21" > "$out/king-james-bible.txt"
# the dictd file is gzip-compatible; its first four lines are dictd header entries
zcat root/usr/share/dictd/devil.dict.dz | tail -n +5 | grep -vx " abcdefghijklmnopqrstuvwxyz" > "$out/devils-dictionary.txt"
zcat root/usr/share/doc/jargon-text/jargon.txt.gz > "$out/jargon-file.txt"
{
  echo "file	package	version	sha256"
  for f in king-james-bible.txt:bible-kjv-text devils-dictionary.txt:dict-devil jargon-file.txt:jargon-text; do
    name=${f%%:*}; pkg=${f##*:}
    ver=$(dpkg-deb -f "$(ls "$pkg"_*.deb)" Version)
    echo "$name	$pkg	$ver	$(sha256sum "$out/$name" | cut -d' ' -f1)"
  done
} > "$out/../sample-sources.tsv"
ls -la "$out"
