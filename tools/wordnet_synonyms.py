#!/usr/bin/env python3
"""Derive claimlens' synonym table (data/synonyms.txt) from WordNet 3.0.

Usage: python3 tools/wordnet_synonyms.py WORDNET_DICT_DIR > data/synonyms.txt

WORDNET_DICT_DIR holds WordNet's index.* and data.* files (Debian's
wordnet-base package installs them in /usr/share/wordnet).

A word keeps only its most frequent senses (WordNet lists senses by tagged
frequency): the first sense, and the next ones while they are tagged in the
SemCor counts, up to MAX_SENSES. A synset becomes a line of the table when at
least two of its single-word members keep it, so each line is a set of words
that share one of their common meanings. Multi-word lemmas are left out: the
matcher compares single words.
"""
import os
import re
import sys

MAX_SENSES = {"n": 2, "v": 2, "a": 2, "r": 1}
FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
WORD = re.compile(r"^[a-z]{3,}$")


def main(root):
    kept = {}  # (pos, offset) -> set(words)
    for pos, name in FILES.items():
        with open(os.path.join(root, "index." + name), encoding="latin-1") as f:
            for line in f:
                if line.startswith(" "):
                    continue
                parts = line.split()
                lemma = parts[0]
                if not WORD.match(lemma):
                    continue
                p_cnt = int(parts[3])
                rest = parts[4 + p_cnt:]
                tagged = int(rest[1])
                offsets = rest[2:]
                n = min(MAX_SENSES[pos], max(1, tagged))
                for off in offsets[:n]:
                    kept.setdefault((pos, off), set()).add(lemma)
    lines = set()
    for (pos, off), words in kept.items():
        if len(words) >= 2:
            lines.add(" ".join(sorted(words)))
    print("# Synonym sets derived from WordNet 3.0 by tools/wordnet_synonyms.py.")
    print("# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.")
    print("# THIS SOFTWARE AND DATABASE IS PROVIDED \"AS IS\" AND PRINCETON UNIVERSITY")
    print("# MAKES NO REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED. (WordNet 3.0")
    print("# license; see data/WORDNET-LICENSE.)")
    for l in sorted(lines):
        print(l)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet")
