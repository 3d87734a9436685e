#!/usr/bin/env python3
"""Cut books out of the bundled King James Bible and pair each with its reference summary, as a
BookSum-style JSONL (id, title, text, summary) that ./run.sh --input reads and scores (`rouge`).
REFERENCES: JSONL of id, title, from_heading, to_heading (the first line of the book and of the one
after it, or null for the text's last book) and reference, e.g. datasets/eval/held-out-references.jsonl.
usage: build-eval-set.py REFERENCES PATH/TO/king-james-bible.txt OUT.jsonl"""
import json
import sys

references, kjv, out = sys.argv[1:4]
lines = open(kjv, encoding="utf-8").read().split("\n")
with open(out, "w", encoding="utf-8") as f:
    for ref in map(json.loads, open(references, encoding="utf-8")):
        end = lines.index(ref["to_heading"]) if ref["to_heading"] else len(lines)
        text = "\n".join(lines[lines.index(ref["from_heading"]):end]).strip()
        f.write(json.dumps({"id": ref["id"], "title": ref["title"], "text": text,
                            "summary": ref["reference"]}) + "\n")
        print(f"{ref['id']}: {len(text.split()):,} words of text, "
              f"{len(ref['reference'].split())}-word reference")
