#!/usr/bin/env python3
"""Writes a table as users bring them, for tests and comparisons of the
tabular pipeline (include/scratchnet/data/tabular.h) with scikit-learn's.

The table has numeric and categorical feature columns, a three-class label
column in the middle ("outcome": high / low / mid), missing cells in several
spellings ("", NA, N/A, ?, nan, NaN, null, None, -), a few rows without a
label, and two numeric columns at the end that are often empty together, so
rows end in ",,"(the "...,1.04,," of issue 13). With ';' as the delimiter one
category holds a ';' and is written quoted. The label depends on every kind
of column (numbers, categories, and one of the often-empty tail columns), so
a pipeline that drops or mangles one of them loses accuracy.

Same arguments, same bytes (random.Random(seed) only; standard library only):

    scripts/make_tabular_table.py --rows 600 --seed 1 --delimiter ';' > t.csv

    import make_tabular_table; text = make_tabular_table.make_table(rows=600, seed=1)

Columns: age, income, site, score, outcome (label), dose, grade, region,
ratio, tail_a, tail_b; with --id an "id" column first (a distinct word per
row: more categories than data.max_categories allows, to be dropped).
"""

import argparse
import math
import random
import sys

MISSING_SPELLINGS = ["", "NA", "N/A", "?", "nan", "NaN", "null", "None", "-"]
SITES = ["lab_a", "lab_b", "lab_c", "lab_d", "lab_e"]
GRADES = ["A", "B", "C", "D"]
CLASSES = ["high", "low", "mid"]


def make_table(rows=600, seed=1, delimiter=",", missing=0.07, missing_labels=0.01,
               crlf=False, with_id=False):
    """The table as text. `missing`: chance of each feature cell being
    missing; `missing_labels`: chance of a row's label being missing."""
    rng = random.Random(seed)
    regions = ["north", "south", "east", "north; east" if delimiter == ";" else "north, east"]
    header = (["id"] if with_id else []) + [
        "age", "income", "site", "score", "outcome", "dose", "grade", "region", "ratio",
        "tail_a", "tail_b"]
    lines = [delimiter.join(header)]
    for r in range(rows):
        age = rng.randint(18, 90)
        income = rng.lognormvariate(10.5, 0.5)
        site = rng.choice(SITES)
        score = rng.gauss(0, 1)
        dose = rng.uniform(0, 5)
        grade = rng.choice(GRADES)
        region = rng.choice(regions)
        ratio = rng.betavariate(2, 5)
        tail_a = rng.gauss(1, 0.5)
        tail_b = rng.gauss(0, 2)

        # One score per class from every kind of column, plus a little noise.
        site_effect = {"lab_a": 1.2, "lab_b": -0.8, "lab_c": 0.0, "lab_d": 0.6, "lab_e": -1.0}[site]
        grade_effect = GRADES.index(grade) - 1.5
        s_high = 1.6 * score + 0.04 * (age - 50) + site_effect + 0.9 * (tail_a - 1) * 2
        s_low = -1.4 * score + 0.8 * grade_effect + 1.2 * (dose - 2.5) * 0.8
        s_mid = 0.9 * (math.log(income) - 10.5) * 2 - 2.5 * (ratio - 0.28) * 3 + \
            (0.8 if region.startswith("north") else -0.4)
        noisy = [s + rng.gauss(0, 0.25) for s in (s_high, s_low, s_mid)]
        label = CLASSES[noisy.index(max(noisy))]

        cells = [str(age), f"{income:.2f}", site, f"{score:.4f}", label, f"{dose:.3f}", grade,
                 region, f"{ratio:.4f}", f"{tail_a:.2f}", f"{tail_b:.2f}"]
        feature_columns = [i for i in range(len(cells)) if i != 4]
        for i in feature_columns:
            if rng.random() < missing:
                cells[i] = rng.choice(MISSING_SPELLINGS)
        # The two tail columns are often missing together: rows end in ",,".
        if rng.random() < missing:
            cells[-1] = cells[-2] = ""
        if rng.random() < missing_labels:
            cells[4] = rng.choice(["", "NA"])
        if with_id:
            cells.insert(0, f"r{r:05d}")
        lines.append(delimiter.join(quote(c, delimiter) for c in cells))
    newline = "\r\n" if crlf else "\n"
    return newline.join(lines) + newline


def quote(cell, delimiter):
    if delimiter in cell or '"' in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--delimiter", default=",", help="',' ';' or 'tab'")
    parser.add_argument("--missing", type=float, default=0.07,
                        help="chance of a feature cell being missing (default 0.07)")
    parser.add_argument("--missing-labels", type=float, default=0.01)
    parser.add_argument("--crlf", action="store_true", help="CRLF line endings")
    parser.add_argument("--id", action="store_true", help="add an id column of distinct words")
    parser.add_argument("--out", help="write here instead of stdout")
    args = parser.parse_args()
    delimiter = "\t" if args.delimiter == "tab" else args.delimiter
    text = make_table(args.rows, args.seed, delimiter, args.missing, args.missing_labels,
                      args.crlf, args.id)
    if args.out:
        with open(args.out, "w", newline="") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
