"""`groupbot match` and `groupbot unmerge`: matching and reverting from the command line."""

from __future__ import annotations

import json
import sys

from groupbot.clock import clock_from_environment
from groupbot.config import Config
from groupbot.services.merges import MergeService
from groupbot.storage.db import make_engine
from groupbot.storage.migrate import upgrade_async
from groupbot.storage.proposals import StoredProposal
from groupbot.wiring import command_courier, matching_service


def proposal_json(proposal: StoredProposal) -> dict:
    """The JSON shape of a proposal; chat ids exactly as imported or registered."""
    return {"id": proposal.id, "groups": list(proposal.chat_ids),
            "survivor": proposal.survivor_chat_id, "score": proposal.score,
            "reasons": list(proposal.reasons)}


async def run_match(config: Config, *, as_json: bool = False) -> int:
    """Match, store proposals, print them; exit code 0."""
    await upgrade_async(config.database.url)
    engine = make_engine(config.database.url)
    try:
        run = await matching_service(config, engine, clock_from_environment(config.tz)).run()
    finally:
        await engine.dispose()
    if as_json:
        rows = [proposal_json(p) for p in run.proposals]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for p in run.proposals:
        flag = " [new]" if p.id in run.new_ids else ""
        print(f"#{p.id}{flag} score {p.score:.2f}: {', '.join(map(str, p.chat_ids))} → "
              f"{p.survivor_chat_id}")
        for reason in p.reasons:
            print(f"    {reason}")
    print(f"{len(run.proposals)} proposal(s), {len(run.new_ids)} new")
    return 0


async def run_unmerge(config: Config, proposal_id: int) -> int:
    """Revert a merge; Telegram permissions are restored too when a token is configured."""
    await upgrade_async(config.database.url)
    engine = make_engine(config.database.url)
    clock = clock_from_environment(config.tz)
    try:
        outcome = await MergeService(engine, clock).revert(proposal_id, None, actor="cli")
        if outcome.outbox and config.telegram.token:
            async with command_courier(config, engine, clock) as courier:
                await courier.deliver(list(outcome.outbox))
    finally:
        await engine.dispose()
    if outcome.result != "reverted":
        print(f"groupbot: proposal {proposal_id} cannot be reverted ({outcome.result})",
              file=sys.stderr)
        return 1
    if outcome.outbox and not config.telegram.token:
        print("groupbot: no bot token configured; the running bot gives the groups their "
              "permissions back", file=sys.stderr)
    print(f"merge #{proposal_id} reverted")
    return 0
