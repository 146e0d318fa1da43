"""Time the synthetic district generator (groupbot.demo) and summarise what it planted.

Run: python -m tests.bench.district --groups N [--seed S] [--csv out.csv]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections import Counter

from groupbot.demo.census import CensusGroup, write_census_csv
from groupbot.demo.district import generate_district
from tests.bench.labels import hard_negative_pairs, pairs_by_phenomenon, true_pairs


def summary(groups: list[CensusGroup]) -> dict:
    """Counts a matcher author wants: tags, cluster sizes, pairs, platforms, title shapes."""
    sizes = Counter(Counter(g.cluster for g in groups).values())
    tags = Counter(t for g in groups for t in g.tags)
    negatives = {k: len(v) for k, v in hard_negative_pairs(groups).items()}
    phen_pairs = {k: len(v) for k, v in sorted(pairs_by_phenomenon(groups).items())}
    return {"groups": len(groups), "cluster_sizes": dict(sorted(sizes.items())),
            "true_pairs": len(true_pairs(groups)), "pairs_by_phenomenon": phen_pairs,
            "hard_negative_pairs": negatives, "group_tags": dict(tags.most_common()),
            "platforms": dict(Counter(g.platform for g in groups)),
            "mean_listed_members": round(sum(len(g.members) for g in groups) / len(groups), 1)}


def main() -> None:
    """Time generate_district and print its summary as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--csv", help="also write the census CSV here")
    parser.add_argument("--no-summary", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    groups = generate_district(args.groups, args.seed)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {"n_groups": args.groups, "seconds": round(elapsed, 2), "peak_rss_mb": round(peak_mb)}
    if not args.no_summary:
        report |= summary(groups)
    if args.csv:
        write_census_csv(groups, args.csv)
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
