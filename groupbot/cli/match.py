"""`groupbot match` and `groupbot unmerge`: matching and reverting from the command line."""

from __future__ import annotations

import sys

from groupbot.cli.terminal import json_text, plain
from groupbot.cli.words import say
from groupbot.config import Config
from groupbot.services.merges import MergeService
from groupbot.storage.proposals import StoredProposal
from groupbot.wiring import command_courier, command_store, matching_service


def proposal_json(proposal: StoredProposal) -> dict:
    """The JSON shape of a proposal; chat ids exactly as imported or registered."""
    return {"id": proposal.id, "groups": list(proposal.chat_ids),
            "survivor": proposal.survivor_chat_id, "score": proposal.score,
            "reasons": list(proposal.reasons)}


async def run_match(config: Config, *, as_json: bool = False) -> int:
    """Match, store proposals, print them; exit code 0."""
    async with command_store(config) as (engine, clock):
        # One run and the process ends: nothing to keep for a next time.
        run = await matching_service(config, engine, clock, remember=False).run()
    if as_json:
        rows = [proposal_json(p) for p in run.proposals]
        sys.stdout.write(json_text(rows, indent=2) + "\n")
        return 0
    for p in run.proposals:
        flag = say("match_new") if p.id in run.new_ids else ""
        print(say("match_line", id=p.id, flag=flag, score=f"{p.score:.2f}",
                  chats=", ".join(map(plain, p.chat_ids)),
                  survivor=plain(p.survivor_chat_id)))
        for reason in p.reasons:  # reasons quote titles: data, not ours
            print(f"    {plain(reason)}")
    print(say("match_total", total=len(run.proposals), new=len(run.new_ids)))
    return 0


async def run_unmerge(config: Config, proposal_id: int) -> int:
    """Revert a merge; Telegram permissions are restored too when a token is configured."""
    async with command_store(config) as (engine, clock):
        outcome = await MergeService(engine, clock).revert(proposal_id, None, actor="cli")
        if outcome.outbox and config.telegram.token:
            async with command_courier(config, engine, clock) as courier:
                await courier.deliver(list(outcome.outbox))
    if outcome.result != "reverted":
        print(say("cannot_revert", id=proposal_id, result=outcome.result), file=sys.stderr)
        return 1
    if outcome.outbox and not config.telegram.token:
        print(say("permissions_left_to_bot"), file=sys.stderr)
    print(say("reverted", id=proposal_id))
    return 0
