"""Measure the shipped check on a batch of labelled answers it was not written or trained on.

    python bench/safeguarding_heldout.py tests/data/heldout_batch3.jsonl [--misses]

Prints recall and false alarms per category for the rules alone and for the rules with the
shipped word model, and with --misses every answer the check got wrong.

tests/data/heldout_batch3.jsonl and heldout_batch4.jsonl are the batches as first measured;
both have since been added to the corpus, so the shipped model has learned them and a fair
measure now needs a new batch.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from participation.safeguarding.categories import CATEGORIES  # noqa: E402
from participation.safeguarding.check import default_matcher  # noqa: E402
from participation.safeguarding.corpus import Figures, measure, parse_corpus  # noqa: E402


def show(title: str, figures: Figures) -> None:
    print(title)
    for key in CATEGORIES:
        caught, positives = figures.by_category.get(key, (0, 0))
        wrong = figures.false_by_category.get(key, 0)
        print(f"  {key:<26} {caught:>3}/{positives:<3}  false alarms {wrong}")
    print(
        f"  recall {figures.caught}/{figures.positives} {figures.recall:.1%}; false alarms "
        f"{figures.false_alarms}/{figures.negatives} {figures.false_alarm_rate:.1%}; "
        f"right category {figures.category_rate:.1%}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("batch", type=Path)
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    answers = parse_corpus(args.batch.read_text("utf-8").splitlines())
    matcher = default_matcher()
    show("rules alone", measure(matcher.with_model(None), answers))
    show("rules and word model", measure(matcher, answers))
    if args.misses:
        for answer in answers:
            found = sorted({m.category for m in matcher.check(answer.text)})
            if bool(found) != answer.flag:
                print(
                    f"{'MISSED' if answer.flag else 'FALSE '} {answer.category} {found} {answer.text}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
