"""How right a resolution is, against the truth: pairwise precision and recall (of the
pairs of mentions put together) and B-cubed precision, recall and F1 (per mention: the
share of its cluster that is truly its person, and of its person that is in its
cluster), the measures of the entity-resolution literature.

    >>> s = scores(predicted=[0, 0, 1, 1], truth=[0, 0, 0, 1])
    >>> (s.pairwise_precision, s.pairwise_recall)
    (0.5, 0.3333)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Scores:
    mentions: int
    people: int  # in the truth
    found: int  # people the resolution made
    pairwise_precision: float
    pairwise_recall: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float


def _pairs(counts: Counter[Any]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def scores(predicted: Sequence[object], truth: Sequence[object]) -> Scores:
    """Scores of `predicted` cluster labels against `truth`, one label per mention."""
    both = Counter(zip(predicted, truth, strict=True))
    by_predicted, by_truth = Counter(predicted), Counter(truth)
    together, true_pairs, right = _pairs(by_predicted), _pairs(by_truth), _pairs(both)
    n = len(truth)
    # B-cubed: for each mention, |cluster ∩ person| / |cluster| and / |person|
    precision = sum(k * k / by_predicted[p] for (p, _), k in both.items()) / n
    recall = sum(k * k / by_truth[t] for (_, t), k in both.items()) / n
    return Scores(
        n, len(by_truth), len(by_predicted),
        round(right / together, 4) if together else 1.0,
        round(right / true_pairs, 4) if true_pairs else 1.0,
        round(precision, 4), round(recall, 4),
        round(2 * precision * recall / (precision + recall), 4),
    )  # fmt: skip
