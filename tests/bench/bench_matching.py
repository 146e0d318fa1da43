"""Merge matching: quality on labelled synthetic districts, and speed/memory at scale.

Run:
  python -m tests.bench.bench_matching quality [--groups 2000] [--seeds 0 1 2]
  python -m tests.bench.bench_matching scale [--sizes 2000 50000 1000000]
Each size of `scale` runs in its own process so that peak memory is that size's own.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from itertools import combinations

from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from groupbot.demo.census import CensusGroup
from groupbot.demo.district import generate_district
from groupbot.domain.lexicon import Lexicon
from groupbot.domain.match_features import Corpus, build_corpus
from groupbot.domain.matching import propose
from groupbot.domain.textnorm import member_key
from tests.bench.labels import hard_negative_pairs, pairs_by_phenomenon, true_pairs

NAIVE_TITLE_THRESHOLD = 80


def corpus_of(groups: list[CensusGroup]) -> Corpus:
    """The matcher's input, with member identities as `groupbot import` forms them."""
    people: dict[tuple, int] = {}
    keys: dict[str, tuple] = {}

    def identity(name: str) -> int:
        key = keys.get(name)
        if key is None:
            key = keys[name] = ("u", name) if name.isdigit() else ("n", member_key(name))
        return people.setdefault(key, len(people))

    return build_corpus(
        [g.chat_id for g in groups], [g.title for g in groups], [g.purpose for g in groups],
        [[identity(m) for m in g.members] for g in groups],
        member_count=[g.member_count for g in groups],
        activity=[0] * len(groups), created=[g.created for g in groups],
        expires=[g.expires for g in groups])


def predicted_pairs(corpus: Corpus) -> set[frozenset[str]]:
    """Pairs inside the matcher's proposals."""
    pairs = set()
    for proposal in propose(corpus, Lexicon.default()):
        ids = [corpus.chat_ids[g] for g in proposal.groups]
        pairs.update(frozenset(p) for p in combinations(ids, 2))
    return pairs


def naive_title_pairs(groups: list[CensusGroup], threshold: int) -> set[frozenset[str]]:
    """The baseline: titles alone, fuzz.ratio >= threshold."""
    titles = [g.title for g in groups]
    scores = cdist(titles, titles, scorer=fuzz.ratio, score_cutoff=threshold, workers=-1)
    rows, cols = (scores >= threshold).nonzero()
    return {frozenset((groups[a].chat_id, groups[b].chat_id))
            for a, b in zip(rows, cols, strict=True) if a < b}


def prf(predicted: set, truth: set) -> dict:
    """Pairwise precision, recall and F1."""
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "predicted": len(predicted), "true": len(truth)}


def quality(n: int, seeds: list[int]) -> dict:
    """P/R/F1 of the matcher and of the naive baseline, per seed and pooled."""
    pooled = {"groupbot": [set(), set()], "naive": [set(), set()]}
    detail = {}
    for seed in seeds:
        groups = generate_district(n, seed)
        truth = _tagged(seed, true_pairs(groups))
        ours = _tagged(seed, predicted_pairs(corpus_of(groups)))
        naive = _tagged(seed, naive_title_pairs(groups, NAIVE_TITLE_THRESHOLD))
        for name, pred in (("groupbot", ours), ("naive", naive)):
            pooled[name][0] |= pred
            pooled[name][1] |= truth
        negatives = {k: len(_tagged(seed, v) & ours)
                     for k, v in hard_negative_pairs(groups).items()}
        recall_by = {k: round(len(_tagged(seed, v) & ours) / len(v), 3) if v else None
                     for k, v in pairs_by_phenomenon(groups).items()}
        detail[seed] = {"groupbot": prf(ours, truth), "naive": prf(naive, truth),
                        "hard_negatives_proposed": negatives, "recall_by_phenomenon": recall_by}
    return {"groups": n, "seeds": seeds,
            "groupbot": prf(*pooled["groupbot"]), "naive_title_ratio": prf(*pooled["naive"]),
            "naive_threshold": NAIVE_TITLE_THRESHOLD, "per_seed": detail}


def _tagged(seed: int, pairs) -> set[frozenset[str]]:
    """Pairs with their seed in the ids, so districts pool without clashes."""
    return {frozenset(f"{seed}:{a}" for a in p) for p in pairs}


def naive_all_pairs_seconds(corpus: Corpus) -> float:
    """The naive approach: a Python loop over all pairs (title ratio + member Jaccard)."""
    sets = [frozenset(corpus.members[corpus.indptr[i]:corpus.indptr[i + 1]].tolist())
            for i in range(corpus.size)]
    started = time.perf_counter()
    hits = 0
    for i in range(corpus.size):
        for j in range(i + 1, corpus.size):
            union = len(sets[i] | sets[j]) or 1
            if (fuzz.ratio(corpus.titles[i], corpus.titles[j]) >= 60
                    and len(sets[i] & sets[j]) / union >= 0.5):
                hits += 1
    return time.perf_counter() - started


def prepare(n: int, path: str) -> None:
    """Generate a district and store the matcher's input (in its own process)."""
    with open(path, "wb") as fh:
        pickle.dump(corpus_of(generate_district(n, seed=1)), fh, protocol=5)


def scale_one(path: str, naive_limit: int) -> dict:
    """Time and peak memory of matching a stored corpus; this process does nothing else."""
    started = time.perf_counter()
    with open(path, "rb") as fh:
        corpus = pickle.load(fh)
    prepared = time.perf_counter() - started
    started = time.perf_counter()
    proposals = propose(corpus, Lexicon.default())
    seconds = time.perf_counter() - started
    result = {"groups": corpus.size, "match_seconds": round(seconds, 2),
              "load_seconds": round(prepared, 1), "proposals": len(proposals),
              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}
    if corpus.size <= naive_limit:
        naive = naive_all_pairs_seconds(corpus)
        result["naive_all_pairs_seconds"] = round(naive, 2)
        result["speedup_vs_naive"] = round(naive / seconds, 1)
    return result


def scale(sizes: list[int], naive_limit: int) -> list[dict]:
    """Each size generated in one process and matched in a fresh one: peak memory is the
    matcher's own, not the generator's."""
    out = []
    me = [sys.executable, "-m", "tests.bench.bench_matching"]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = f"{tmp}/corpus-{n}.pickle"
            subprocess.run([*me, "prepare", str(n), path], check=True)
            done = subprocess.run([*me, "scale-one", path, "--naive-limit", str(naive_limit)],
                                  capture_output=True, text=True, check=True)
            out.append(json.loads(done.stdout))
            print(json.dumps(out[-1]), file=sys.stderr)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--groups", type=int, default=2000)
    q.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    s = sub.add_parser("scale")
    s.add_argument("--sizes", type=int, nargs="+", default=[2000, 50_000, 1_000_000])
    s.add_argument("--naive-limit", type=int, default=3000)
    one = sub.add_parser("scale-one")
    one.add_argument("path")
    one.add_argument("--naive-limit", type=int, default=3000)
    prep = sub.add_parser("prepare")
    prep.add_argument("n", type=int)
    prep.add_argument("path")
    args = parser.parse_args()
    if args.what == "quality":
        result = quality(args.groups, args.seeds)
    elif args.what == "scale":
        result = scale(args.sizes, args.naive_limit)
    elif args.what == "prepare":
        prepare(args.n, args.path)
        return
    else:
        result = scale_one(args.path, args.naive_limit)
    print(json.dumps(result, ensure_ascii=False, indent=None if args.what == "scale-one" else 2))


if __name__ == "__main__":
    main()
