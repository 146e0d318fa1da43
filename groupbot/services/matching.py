"""Use case: find merge proposals among the registered groups and store the new ones."""

from __future__ import annotations

import asyncio
import gc
import hashlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from groupbot.clock import Clock
from groupbot.domain.lexicon import Lexicon
from groupbot.domain.match_features import Corpus, build_corpus
from groupbot.domain.match_incremental import MatchMemory, Rematch, propose_again
from groupbot.domain.match_reasons import Phrase
from groupbot.domain.matching import MatchSettings, Proposal
from groupbot.domain.matching import propose as find_proposals
from groupbot.messages import t
from groupbot.services.match_members import MemberLists
from groupbot.storage import match_input, outbox_rows, proposals
from groupbot.storage.db import reader
from groupbot.storage.outbox_rows import Outgoing
from groupbot.storage.proposals import StoredProposal


@dataclass(frozen=True)
class MatchRun:
    """One matching run: every proposal found, and which of them admins have not seen."""

    proposals: list[StoredProposal]  # all of them, or only the new ones (see `run`)
    new_ids: frozenset[int]
    outbox: tuple[int, ...] = ()  # the new proposals' announcements, to deliver
    examined: int | None = None  # groups scored again (all of them on a full run)
    ids: tuple[int, ...] = ()  # every proposal of the run, best first


# Announcements of the proposals admins have not seen yet.
ProposalNotices = Callable[[list[StoredProposal]], list[Outgoing]]


class MatchingService:
    """Loads groups, runs the matcher in a worker thread, stores proposals.

    With `remember` it keeps what a run learnt (member lists, features, pair edges) for the
    next one, which then reads and scores again only the groups that changed, with the same
    result; a one-off run (the command line) keeps nothing.
    """

    def __init__(self, engine: AsyncEngine, clock: Clock, lexicon: Lexicon,
                 settings: MatchSettings | None = None, language: str = "zh", *,
                 remember: bool = True):
        self._engine = engine
        self._reader = reader(engine)
        self._clock = clock
        self._tz = clock.tz
        self._lexicon = lexicon
        self._settings = settings or MatchSettings()
        self._language = language
        self._members = MemberLists() if remember else None
        self._memory = MatchMemory() if remember else None
        self._words: dict[int, tuple[tuple, tuple]] = {}  # id(reasons) → (reasons, words)
        self._running = asyncio.Lock()  # one run at a time uses and updates the memory

    async def run(self, notices: ProposalNotices = lambda fresh: [], *,
                  details: bool = True) -> MatchRun:
        """Match now; CPU work runs in a thread so the bot keeps answering.

        `notices` turns the proposals nobody has seen yet into messages, stored in the same
        transaction as the proposals: each new proposal is announced once. Without `details`
        the run reads back only the new proposals (the rest are counted in `ids`).
        """
        async with self._running:
            with _no_cyclic_gc():
                corpus, pks = await self._load()
                rematch = await asyncio.to_thread(self._propose, corpus, pks)
                return await self._store(corpus, pks, rematch, notices, details)

    async def _store(self, corpus: Corpus, pks: list[int], rematch: Rematch,
                     notices: ProposalNotices, details: bool) -> MatchRun:
        """Record the run's proposals and the new ones' announcements in one transaction."""
        now = self._clock.now()
        computed = [proposals.Computed(
            tuple(pks[g] for g in p.groups), pks[p.survivor], p.score, p.reasons,
            _fingerprint(p, corpus)) for p in rematch.proposals]
        async with self._engine.begin() as conn:
            recorded = await proposals.record_all(conn, computed, now)
            ids = [pid for pid, _ in recorded]
            new = {pid for pid, is_new in recorded if is_new}
            order = {pid: i for i, pid in enumerate(ids)}
            wanted = ids if details else [pid for pid in ids if pid in new]
            stored = sorted(await proposals.load(conn, wanted), key=lambda p: order[p.id])
            outbox = await outbox_rows.add(conn, notices([p for p in stored if p.id in new]),
                                           now)
        return MatchRun(stored, frozenset(new), tuple(outbox), rematch.examined, tuple(ids))

    def _propose(self, corpus: Corpus, pks: list[int]) -> Rematch:
        if self._memory is None:
            found = find_proposals(corpus, self._lexicon, self._settings)
            rematch = Rematch(found, corpus.size, True)
        else:
            try:
                rematch = propose_again(corpus, pks, self._lexicon, self._settings,
                                        self._memory)
            except BaseException:
                self._memory = MatchMemory()  # half-updated: start afresh next time
                raise
        return replace(rematch, proposals=self._worded(rematch.proposals))

    def _worded(self, found: list[Proposal]) -> list[Proposal]:
        """Reasons in words; a proposal kept from last run keeps its words (same reasons)."""
        before, self._words = self._words, {}
        out = []
        for p in found:
            known = before.get(id(p.reasons))
            if known is None or known[0] is not p.reasons:  # ids are reused: check identity
                known = (p.reasons, worded(p, self._language).reasons)
            self._words[id(p.reasons)] = known
            out.append(replace(p, reasons=known[1]))
        return out

    async def pending(self) -> list[StoredProposal]:
        """Proposals waiting for a decision, newest first."""
        async with self._reader.connect() as conn:
            return await proposals.load(conn, status="pending")

    async def _load(self) -> tuple[Corpus, list[int]]:
        since = self._clock.today() - timedelta(days=29)
        async with self._reader.connect() as conn:
            rows = await match_input.groups_in_play(conn, since)
            try:
                lists = await (self._members or MemberLists()).lists(conn, rows)
            except BaseException:
                if self._members is not None:
                    self._members.forget()
                raise
        if not rows:
            return build_corpus([], [], [], []), []
        columns = zip(*rows, strict=True)
        pks, chat_ids, titles, purposes, counts, created, expires, _, activity = columns
        corpus = build_corpus(chat_ids, titles, purposes, lists, member_count=counts,
                              activity=activity, created=created, expires=expires)
        return corpus, list(pks)


def propose(corpus: Corpus, lexicon: Lexicon, settings: MatchSettings | None = None,
            language: str = "zh") -> list[Proposal]:
    """The domain's proposals with their reasons put into words, as they are stored."""
    return [worded(p, language)
            for p in find_proposals(corpus, lexicon, settings or MatchSettings())]


def worded(proposal: Proposal, language: str) -> Proposal:
    """A proposal with its reasons put into words."""
    return replace(proposal, reasons=tuple(reason_text(r, language) for r in proposal.reasons))


def reason_text(phrase: Phrase, language: str) -> str:
    """One reason in words; nested phrases are rendered, lists joined with the list mark."""
    values = {}
    for name, value in phrase.values.items():
        if isinstance(value, Phrase):
            value = reason_text(value, language)
        elif isinstance(value, tuple):
            value = t("matching.topic_separator", language).join(map(str, value))
        values[name] = value
    return t(phrase.key, language, **values)


@contextmanager
def _no_cyclic_gc():
    """Python's cyclic collector paused while a run allocates.

    A run makes hundreds of thousands of small objects and keeps as many between runs; each
    full collection walks all of them (measured: 0.4 s of a 1 s daily run at 50,000 groups).
    Nothing a run builds forms cycles that need collecting meanwhile; reference counting still
    frees the rest at once.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _fingerprint(proposal: Proposal, corpus: Corpus) -> str:
    """Changes when a group's title or purpose changes: then a rejection may be revisited.

    What a group is for is its title and purpose; people come and go without that changing.
    """
    digest = hashlib.sha256()
    for g in sorted(proposal.groups):
        digest.update(f"{corpus.titles[g]}|{corpus.purposes[g]}".encode())
    return digest.hexdigest()[:32]
