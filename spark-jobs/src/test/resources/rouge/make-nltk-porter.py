"""Writes nltk-porter.tsv: words and NLTK's Porter stems (default NLTK_EXTENSIONS mode, the one
rouge-score uses), the fixture PorterStemmerTest compares against. Needs NLTK (Debian python3-nltk
3.8-1 was used: `apt-get download python3-nltk && dpkg -x python3-nltk_*.deb root`, then
PYTHONPATH=root/usr/lib/python3/dist-packages).

Words: every word of the sample corpus (datasets/sample) longer than three letters whose stem under
Porter's original algorithm differs from NLTK's (the cases the extensions decide), 1,500 other words
of the sample corpus, and 1,000 made-up words built from the suffixes each step strips. Seeded.

usage: python3 make-nltk-porter.py SAMPLE_DIR > nltk-porter.tsv
"""
import glob
import random
import re
import sys

import nltk
from nltk.stem import porter

nltk_mode = porter.PorterStemmer()
original = porter.PorterStemmer(porter.PorterStemmer.ORIGINAL_ALGORITHM)
rng = random.Random(20261123)

vocabulary = set()
for path in sorted(glob.glob(sys.argv[1] + "/*.txt")):
    text = open(path, encoding="utf-8", errors="replace").read().lower()
    vocabulary.update(w for w in re.sub(r"[^a-z0-9]+", " ", text).split() if len(w) > 3)
vocabulary = sorted(vocabulary)
decided_by_extensions = [w for w in vocabulary if nltk_mode.stem(w) != original.stem(w)]
others = rng.sample([w for w in vocabulary if nltk_mode.stem(w) == original.stem(w)], 1500)

suffixes = ["s", "es", "ies", "ied", "ed", "ing", "eed", "y", "ly", "alli", "bli", "fulli", "logi",
            "ational", "tional", "enci", "anci", "izer", "entli", "eli", "ousli", "ization", "ation",
            "ator", "alism", "iveness", "fulness", "ousness", "aliti", "iviti", "biliti", "icate",
            "ative", "alize", "iciti", "ical", "ful", "ness", "al", "ance", "ence", "er", "ic", "able",
            "ible", "ant", "ement", "ment", "ent", "sion", "tion", "ou", "ism", "ate", "iti", "ous",
            "ive", "ize", "e", "ll", "at", "bl", "iz"]
made_up = set()
while len(made_up) < 1000:
    root = "".join(rng.choice("aeiouy" if rng.random() < 0.4 else "bcdfghjklmnpqrstvwxz")
                   for _ in range(rng.randint(1, 6)))
    word = root + rng.choice(suffixes) + (rng.choice(suffixes) if rng.random() < 0.3 else "")
    if len(word) > 3 and word not in vocabulary:
        made_up.add(word)

print("# word\tstem by NLTK %s PorterStemmer() (NLTK_EXTENSIONS); made by make-nltk-porter.py" % nltk.__version__)
for word in decided_by_extensions + sorted(others) + sorted(made_up):
    print(word + "\t" + nltk_mode.stem(word))
