"""Fake Telegram Bot API server over real HTTP on 127.0.0.1, for groupbot tests.

A stdlib ``ThreadingHTTPServer`` runs in a background thread; python-telegram-bot talks to it via
``telegram.Bot(api.token, base_url=api.base_url)``.  All state sits behind one ``Condition`` so
tests can block in :meth:`FakeBotApi.wait_for` until the bot under test did something.
Every request is checked against the published Bot API spec (:mod:`tests.botapi_spec`); a call
the real API would refuse is answered like Telegram does and collected in ``refusals``.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.botapi_spec import InputFilePart, check_request, load_spec
from tests.clocks import unix_now

DEFAULT_TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuv"
# PTB sends str params raw and JSON-encodes everything else; these keys are always free text, so
# JSON-decoding them would wrongly turn e.g. the text "42" into an int.
RAW_STRING_KEYS = frozenset({
    "text", "caption", "title", "description", "first_name", "last_name", "username", "name",
    "query", "secret_token", "url", "message_text",
})
ADMIN_STATUSES = ("creator", "administrator")
_ADMIN_RIGHTS = {
    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
    "can_delete_messages": True, "can_manage_video_chats": True, "can_restrict_members": True,
    "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
    "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False,
}
# Every flag PTB 22.8's ChatMemberRestricted requires (besides user/is_member/until_date);
# can_react_to_messages defaults to None in the signature but __init__ raises TypeError without it.
_RESTRICTED_FLAGS = (
    "can_change_info", "can_invite_users", "can_pin_messages", "can_send_messages",
    "can_send_polls", "can_send_other_messages", "can_add_web_page_previews", "can_manage_topics",
    "can_send_audios", "can_send_documents", "can_send_photos", "can_send_videos",
    "can_send_video_notes", "can_send_voice_notes", "can_edit_tag", "can_react_to_messages",
)
_GIFT_TYPES = dict.fromkeys(
    ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
     "gifts_from_channels"), False)
_TRUE_METHODS = frozenset(m.lower() for m in (
    "deleteWebhook", "setWebhook", "setMyCommands", "deleteMyCommands", "leaveChat",
    "deleteMessage", "answerCallbackQuery", "setChatTitle", "pinChatMessage", "unpinChatMessage",
    "close", "logOut",
))
_message_ids = itertools.count(1)
_watchers: list[list[FakeBotApi]] = []  # see watch_fakes()


def member_dict(usr: dict, status: str, until_date: int = 0,
                permissions: dict | None = None) -> dict:
    """ChatMember dict for ``status``, shaped so PTB 22.8's ``ChatMember.de_json`` accepts it."""
    base = {"status": status, "user": usr}
    if status == "creator":
        return {**base, "is_anonymous": False}
    if status == "administrator":
        return {**base, **_ADMIN_RIGHTS}
    if status == "restricted":
        flags = dict.fromkeys(_RESTRICTED_FLAGS, False)
        flags.update((k, bool(v)) for k, v in (permissions or {}).items() if k in flags)
        return {**base, "is_member": True, "until_date": until_date, **flags}
    if status == "kicked":
        return {**base, "until_date": until_date}
    if status in ("member", "left"):
        return base
    raise ValueError(f"unknown chat member status {status!r}")


def _as_int(value: Any) -> Any:
    """``int(value)`` when possible (chat ids arrive as str, int or '@name'), else value."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _decode_value(key: str, raw: Any) -> Any:
    return raw if key in RAW_STRING_KEYS or not isinstance(raw, str) else _json_or_raw(raw)


def _json_or_raw(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _parse_multipart(ctype: str, body: bytes, decode: bool) -> dict:
    """Form fields decoded like urlencoded ones; file parts reduced to name/type/size."""
    head = b"Content-Type: " + ctype.encode() + b"\r\n\r\n"
    msg = BytesParser(policy=HTTP).parsebytes(head + body)
    params: dict[str, Any] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if name is None:
            continue
        filename = part.get_filename()
        if filename is None:
            text = payload.decode()
            params[name] = _decode_value(name, text) if decode else text
        else:
            params[name] = InputFilePart(filename=filename, size=len(payload),
                                         content_type=part.get_content_type())
    return params


def parse_params(ctype: str, body: bytes, *, decode: bool = True) -> dict:
    """Decode a Bot API request body (urlencoded, JSON or multipart) into a params dict.

    Without ``decode`` form values stay the strings they were sent as (for the spec check).
    """
    mime = ctype.split(";", 1)[0].strip().lower()
    if not body:
        return {}
    if mime == "application/json":
        return dict(json.loads(body))
    if mime == "multipart/form-data":
        return _parse_multipart(ctype, body, decode)
    pairs = urllib.parse.parse_qsl(body.decode(), keep_blank_values=True)
    return {k: _decode_value(k, v) if decode else v for k, v in pairs}


@contextlib.contextmanager
def watch_fakes() -> Iterator[list[FakeBotApi]]:
    """Collect every FakeBotApi started inside the block (for end-of-test checks)."""
    started: list[FakeBotApi] = []
    _watchers.append(started)
    try:
        yield started
    finally:
        _watchers.remove(started)


def _error(status: int, description: str, **parameters: Any) -> tuple[int, dict]:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    parameters = {k: v for k, v in parameters.items() if v is not None}
    if parameters:
        body["parameters"] = parameters
    return status, body


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 resets connections when PTB opens many at once.
    request_queue_size = 1024
    api: FakeBotApi

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients dropping keep-alive sockets (and stop() cutting them) are routine in tests.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # avoid Nagle/delayed-ACK stalls on small replies
    wbufsize = -1  # buffer headers + body so each reply leaves in one send()
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.api._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.api._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # per-request logging would dominate benchmark time

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        ctype = self.headers.get("Content-Type", "")
        # A client killed mid-send leaves a short body: never a whole request Telegram could judge.
        status, payload = self.server.api._serve(self.path, ctype, body, len(body) < length)
        data = json.dumps(payload, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST


class FakeBotApi:
    """In-process fake of the Telegram Bot API that records calls and serves pushed updates."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, bot_id: int = 123456,
                 bot_username: str = "groupbot_test_bot",
                 can_read_all_group_messages: bool = False) -> None:
        self.token, self.bot_id, self.bot_username = token, bot_id, bot_username
        self.can_read_all_group_messages = can_read_all_group_messages
        self.port = 0
        self.base_url = ""
        self.calls: list[dict] = []
        self.last_allowed_updates: list | None = None
        self.refusals: list[dict] = []  # calls the spec refused, as recorded in ``calls``
        self._refusals_expected = False
        self._cond = threading.Condition()  # RLock-based, so helpers may nest acquisitions
        self._index: dict[tuple, list[dict]] = collections.defaultdict(list)
        self._updates: collections.deque[dict] = collections.deque()
        self._next_update_id = 1
        self._confirmed_offset = 0
        self._get_updates_calls = 0
        self._next_message_id = 1
        self._chats: dict[Any, dict] = {}
        self._faults: list[dict] = []
        self._delays: list[dict] = []
        self._conns: set[socket.socket] = set()
        self._stopped = False
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._handlers: dict[str, Callable[[dict], Any]] = {
            "getme": lambda p: self.bot_user(full=True),
            "getwebhookinfo": lambda p: {"url": "", "has_custom_certificate": False,
                                         "pending_update_count": 0},
            "sendmessage": lambda p: self._message(p, text=p["text"]),
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "editmessagetext": self._edit_text,
            "editmessagereplymarkup": lambda p: self._message(p, edit_date=unix_now()),
            "getchat": self._get_chat,
            "getchatmember": lambda p: self._member(p["chat_id"], p["user_id"]),
            "getchatadministrators": self._get_admins,
            "getchatmembercount": lambda p: self._state(p["chat_id"])["member_count"],
            "setchatpermissions": self._set_permissions,
            "restrictchatmember": self._restrict,
            "banchatmember": lambda p: self._set_status(p, "kicked", p.get("until_date", 0)),
            "unbanchatmember": self._unban,
            "exportchatinvitelink": lambda p: f"https://t.me/+fake{p['chat_id']}",
            "createchatinvitelink": lambda p: {
                "invite_link": f"https://t.me/+fake{p['chat_id']}", "creator": self.bot_user(),
                "creates_join_request": False, "is_primary": False, "is_revoked": False},
        }
        self._handlers.update(dict.fromkeys(_TRUE_METHODS, lambda p: True))

    # --- lifecycle ---
    def start(self) -> FakeBotApi:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        load_spec()  # no spec, no fake: a missing file must not silently skip the checks
        for started in _watchers:
            started.append(self)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.api = self
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/bot"
        # Short poll interval keeps stop() fast (shutdown() waits for one poll); idle cost is nil.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.01,),
                                        name=f"fakebot-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake long-pollers and cut open keep-alive connections."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
            conns = list(self._conns)
        if self._server is None:
            return
        self._server.shutdown()
        for conn in conns:  # otherwise handler threads keep serving persistent connections
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._cond:
            (self._conns.add if add else self._conns.discard)(conn)

    # --- spec refusals ---
    def expect_refusals(self) -> None:
        """Declare that this test sends calls the real API refuses (e.g. hostile input)."""
        self._refusals_expected = True

    def assert_no_refusals(self) -> None:
        """AssertionError naming each refused call, unless refusals were expected."""
        with self._cond:
            refused = [] if self._refusals_expected else list(self.refusals)
        if refused:
            lines = "\n".join(f"  {c['method']}: {c['refusal']}" for c in refused[:20])
            raise AssertionError(f"the bot made {len(refused)} call(s) the real Bot API would "
                                 f"refuse (call api.expect_refusals() if meant):\n{lines}")

    # --- updates ---
    def push_update(self, update: dict) -> int:
        """Queue one update (assigning update_id if absent) and wake long-pollers."""
        return self.push_updates([update])[0]

    def push_updates(self, updates: list[dict]) -> list[int]:
        """Queue several updates under one lock acquisition; returns their update_ids."""
        ids = []
        with self._cond:
            for update in updates:
                upd = dict(update)
                uid = upd.setdefault("update_id", self._next_update_id)
                if uid < self._next_update_id:  # getUpdates relies on the queue being sorted
                    raise ValueError(f"update_id {uid} < next id {self._next_update_id}")
                self._next_update_id = uid + 1
                self._updates.append(upd)
                ids.append(uid)
            self._cond.notify_all()
        return ids

    @property
    def confirmed_offset(self) -> int:
        """Highest offset the client has confirmed via getUpdates (0 initially)."""
        return self._confirmed_offset

    @property
    def get_updates_calls(self) -> int:
        """Number of getUpdates requests received."""
        return self._get_updates_calls

    def pending_count(self) -> int:
        """Number of pushed updates not yet confirmed."""
        return len(self._updates)

    def _confirm(self, offset: int) -> None:
        # Negative offset: like Telegram, keep only the last -offset updates, forget the rest.
        keep = -offset if offset < 0 else None
        changed = False
        while self._updates and (len(self._updates) > keep if keep is not None
                                 else self._updates[0]["update_id"] < offset):
            dropped = self._updates.popleft()
            self._confirmed_offset = max(self._confirmed_offset, dropped["update_id"] + 1)
            changed = True
        if offset > self._confirmed_offset:
            self._confirmed_offset, changed = offset, True
        if changed:
            self._cond.notify_all()

    def _get_updates(self, p: dict) -> list[dict]:
        offset = _as_int(p.get("offset") or 0)
        limit = min(max(_as_int(p.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + float(p.get("timeout") or 0)
        with self._cond:
            if "allowed_updates" in p:
                self.last_allowed_updates = p["allowed_updates"]
            self._confirm(offset)
            while not self._updates and not self._stopped:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            if offset > 0:  # drop updates pushed meanwhile with an explicit id below offset
                self._confirm(offset)
            return list(itertools.islice(self._updates, limit))

    # --- recorded calls ---
    def calls_to(self, method: str, chat_id: int | None = None) -> list[dict]:
        """Recorded calls of ``method`` (case-insensitive), optionally only for ``chat_id``."""
        with self._cond:
            return list(self._index.get(self._key(method, chat_id), ()))

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """Texts of successful sendMessage calls (calls failed by inject_error are skipped)."""
        return [c["params"].get("text") for c in self.calls_to("sendMessage", chat_id)
                if "error" not in c]

    def wait_for(self, predicate: Callable[[FakeBotApi], bool], timeout: float = 5.0) -> bool:
        """Block until ``predicate(self)`` holds (re-checked on each request); False on timeout."""
        with self._cond:
            return bool(self._cond.wait_for(lambda: predicate(self), timeout))

    def wait_for_call(self, method: str, chat_id: int | None = None, count: int = 1,
                      timeout: float = 5.0) -> list[dict]:
        """Wait for at least ``count`` matching calls and return them; AssertionError on timeout."""
        key = self._key(method, chat_id)
        if self.wait_for(lambda api: len(api._index.get(key, ())) >= count, timeout):
            return self.calls_to(method, chat_id)
        with self._cond:
            seen = collections.Counter(c["method"] for c in self.calls)
            got = len(self._index.get(key, ()))
        where = f" for chat {chat_id}" if chat_id is not None else ""
        raise AssertionError(f"expected >= {count} {method} call(s){where} within {timeout}s, "
                             f"got {got}; recorded methods: {dict(seen)}")

    def clear_calls(self) -> None:
        """Forget all recorded calls (the ``calls`` list is cleared in place)."""
        with self._cond:
            self.calls.clear()
            self._index.clear()

    @staticmethod
    def _key(method: str, chat_id: Any) -> tuple:
        return method.lower(), None if chat_id is None else _as_int(chat_id)

    def _record(self, method: str, params: dict, error: int | None) -> dict:
        call = {"method": method, "params": params, "time": time.time()}
        if error is not None:
            call["error"] = error
        self.calls.append(call)
        # Per-(method, chat) index keeps wait_for_call O(1) per wake-up even with 20k calls.
        self._index[self._key(method, None)].append(call)
        if params.get("chat_id") is not None:
            self._index[self._key(method, params["chat_id"])].append(call)
        return call

    # --- chat state ---
    def set_chat(self, chat_id: int, *, type: str = "supergroup", title: str = "Test group",
                 member_count: int = 10, permissions: dict | None = None) -> None:
        """Define (or redefine) a chat; members already set are kept."""
        with self._cond:
            state = self._state(chat_id, create=True)
            state.update(type=type, title=title, member_count=member_count)
            if permissions is not None:
                state["permissions"] = dict(permissions)
            self._cond.notify_all()

    def set_member(self, chat_id: int, user: dict, status: str = "member") -> None:
        """Set ``user``'s membership status in ``chat_id`` (creates the chat if unknown)."""
        entry = member_dict(dict(user), status)
        with self._cond:
            self._state(chat_id, create=True)["members"][_as_int(user["id"])] = entry
            self._cond.notify_all()

    def chat_permissions(self, chat_id: int) -> dict:
        """Current chat permissions (from set_chat/setChatPermissions); {} if never set."""
        with self._cond:
            return dict(self._state(chat_id).get("permissions") or {})

    def bot_user(self, *, full: bool = False) -> dict:
        """The bot's User dict; ``full`` adds the getMe-only capability flags."""
        usr = {"id": self.bot_id, "is_bot": True, "first_name": "groupbot",
               "username": self.bot_username}
        if full:
            usr.update(can_join_groups=True, supports_inline_queries=False,
                       can_read_all_group_messages=self.can_read_all_group_messages)
        return usr

    def _state(self, chat_id: Any, create: bool = False) -> dict:
        cid = _as_int(chat_id)
        state = self._chats.get(cid)
        if state is None:
            negative = isinstance(cid, int) and cid < 0
            state = {"type": "supergroup" if negative else "private",
                     "title": "Test group" if negative else str(cid),
                     "member_count": 10, "permissions": None, "members": {}}
            if not isinstance(cid, int):  # "@channelname"
                state.update(type="channel", title=str(cid))
            if create:
                self._chats[cid] = state
        return state

    def _chat(self, chat_id: Any) -> dict:
        cid, state = _as_int(chat_id), self._state(chat_id)
        chat = {"id": cid if isinstance(cid, int) else -1, "type": state["type"]}
        chat["first_name" if state["type"] == "private" else "title"] = state["title"]
        return chat

    def _member(self, chat_id: Any, user_id: Any) -> dict:
        uid = _as_int(user_id)
        found = self._state(chat_id)["members"].get(uid)
        if found is not None:
            return found
        if uid == self.bot_id:
            return member_dict(self.bot_user(), "member")
        return member_dict({"id": uid, "is_bot": False, "first_name": str(uid)}, "left")

    # --- method implementations (called with the lock held) ---
    def _message(self, p: dict, **content: Any) -> dict:
        if "message_id" in p:
            mid = _as_int(p["message_id"])
        else:
            mid, self._next_message_id = self._next_message_id, self._next_message_id + 1
        msg = {"message_id": mid, "date": unix_now(), "chat": self._chat(p.get("chat_id")),
               "from": self.bot_user(), **content}
        if p.get("caption") is not None:
            msg["caption"] = p["caption"]
        markup = p.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:  # Message only carries inline
            msg["reply_markup"] = markup
        return msg

    def _send_photo(self, p: dict) -> dict:
        mid = self._next_message_id
        size = p["photo"].get("size", 0) if isinstance(p["photo"], dict) else 0
        return self._message(p, photo=[{"file_id": f"photo-{mid}", "file_unique_id": f"uph{mid}",
                                        "width": 1, "height": 1, "file_size": size}])

    def _send_document(self, p: dict) -> dict:
        mid, doc = self._next_message_id, p["document"]
        name = doc.get("filename", "document") if isinstance(doc, dict) else "document"
        return self._message(p, document={"file_id": f"doc-{mid}", "file_unique_id": f"udoc{mid}",
                                          "file_name": name})

    def _edit_text(self, p: dict) -> Any:
        if "inline_message_id" in p:  # Telegram answers True for inline messages
            return True
        return self._message(p, text=p["text"], edit_date=unix_now())

    def _get_chat(self, p: dict) -> dict:
        info = {**self._chat(p["chat_id"]), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": dict(_GIFT_TYPES)}
        permissions = self._state(p["chat_id"])["permissions"]
        if permissions is not None:
            info["permissions"] = dict(permissions)
        return info

    def _get_admins(self, p: dict) -> list[dict]:
        members = self._state(p["chat_id"])["members"].values()
        return [m for m in members if m["status"] in ADMIN_STATUSES]

    def _set_permissions(self, p: dict) -> bool:
        self._state(p["chat_id"], create=True)["permissions"] = dict(p["permissions"])
        return True

    def _set_status(self, p: dict, status: str, until_date: int = 0,
                    permissions: dict | None = None) -> bool:
        usr = self._member(p["chat_id"], p["user_id"])["user"]
        members = self._state(p["chat_id"], create=True)["members"]
        members[usr["id"]] = member_dict(usr, status, until_date or 0, permissions)
        return True

    def _restrict(self, p: dict) -> bool:
        perms = p["permissions"]
        status = "member" if perms and all(perms.values()) else "restricted"  # as Telegram does
        return self._set_status(p, status, _as_int(p.get("until_date", 0)), perms)

    def _unban(self, p: dict) -> bool:
        if self._member(p["chat_id"], p["user_id"])["status"] == "kicked":
            self._set_status(p, "left")
        return True

    # --- fault injection ---
    def inject_error(self, method: str, *, status: int, description: str = "injected",
                     retry_after: int | None = None, migrate_to_chat_id: int | None = None,
                     times: int = 1, chat_id: int | None = None) -> None:
        """Make the next ``times`` matching calls of ``method`` fail with HTTP ``status``."""
        reply = _error(status, description, retry_after=retry_after,
                       migrate_to_chat_id=migrate_to_chat_id)
        with self._cond:
            self._faults.append({"method": method.lower(), "chat_id": _as_int(chat_id),
                                 "times": times, "reply": reply})

    def inject_delay(self, method: str, seconds: float, times: int = 1, *,
                     before_record: bool = False) -> None:
        """Sleep ``seconds`` before answering the next ``times`` calls of ``method``.

        With ``before_record`` the sleep comes before the call takes effect (a slow network on
        the way in); otherwise after it (a slow answer to a call that already happened).
        """
        with self._cond:
            self._delays.append({"method": method.lower(), "chat_id": None, "times": times,
                                 "reply": (seconds, before_record)})

    @staticmethod
    def _take(rules: list[dict], method: str, params: dict) -> Any:
        for rule in rules:
            if rule["method"] == method and (
                    rule["chat_id"] is None or rule["chat_id"] == _as_int(params.get("chat_id"))):
                rule["times"] -= 1
                if rule["times"] <= 0:
                    rules.remove(rule)
                return rule["reply"]
        return None

    # --- request dispatch (runs on server threads) ---
    def _serve(self, raw_path: str, ctype: str, body: bytes,
               cut_short: bool = False) -> tuple[int, dict]:
        url = urllib.parse.urlsplit(raw_path)
        token, sep, method = url.path.removeprefix("/bot").partition("/")
        if not url.path.startswith("/bot") or not sep or not method:
            return _error(404, "Not Found")
        if token != self.token:
            return _error(401, "Unauthorized")
        try:
            raw = parse_params(ctype, body, decode=False)
        except ValueError as exc:
            return _error(400, f"Bad Request: can't parse request body: {exc}")
        if url.query:
            raw.update(urllib.parse.parse_qsl(url.query))
        refusal = None if cut_short else check_request(method, raw)
        params = {k: _decode_value(k, v) for k, v in raw.items()}
        lower = method.lower()
        if refusal is not None:
            return self._refuse(method, params, refusal)
        with self._cond:
            delay, before = self._take(self._delays, lower, params) or (0, False)
        if delay and before:
            time.sleep(delay)
        with self._cond:
            fault = self._take(self._faults, lower, params)
            if fault is None and lower not in self._handlers and lower != "getupdates":
                fault = _error(404, "Not Found: method not implemented by the fake")
            call = None
            if lower == "getupdates":
                self._get_updates_calls += 1
            else:
                call = self._record(method, params, fault[0] if fault else None)
            self._cond.notify_all()
        if delay and not before:
            time.sleep(delay)
        if fault is not None:
            return fault
        try:
            if lower == "getupdates":  # long-polls, so it manages the lock itself
                result = self._get_updates(params)
            else:
                with self._cond:
                    result = self._handlers[lower](params)
                    self._cond.notify_all()
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            if call is not None:  # e.g. a request cut short by a dying client: not delivered
                call["error"] = 400
            return _error(400, f"Bad Request: invalid or missing parameter {exc}")
        return 200, {"ok": True, "result": result}

    def _refuse(self, method: str, params: dict, refusal: tuple[int, str]) -> tuple[int, dict]:
        status, description = refusal
        with self._cond:
            call = self._record(method, params, status)
            call["refusal"] = description
            self.refusals.append(call)
            self._cond.notify_all()
        return _error(status, description)


# --- update builders ---
def user(uid: int, first_name: str = "User", last_name: str | None = None,
         username: str | None = None, is_bot: bool = False) -> dict:
    """A Telegram User dict."""
    usr: dict[str, Any] = {"id": uid, "is_bot": is_bot, "first_name": first_name}
    if last_name is not None:
        usr["last_name"] = last_name
    if username is not None:
        usr["username"] = username
    return usr


def group(chat_id: int, title: str = "Test group", type: str = "supergroup") -> dict:
    """A group/supergroup Chat dict."""
    return {"id": chat_id, "type": type, "title": title}


def message_update(chat: dict, sender: dict | None, *, text: str | None = "hello",
                   date: int | None = None, message_id: int | None = None, **extra: Any) -> dict:
    """An Update dict carrying a message; '/...' texts get a bot_command entity."""
    msg: dict[str, Any] = {"message_id": next(_message_ids) if message_id is None else message_id,
                           "date": unix_now() if date is None else date, "chat": chat}
    if sender is not None:
        msg["from"] = sender
    if text is not None:
        msg["text"] = text
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    msg.update(extra)
    return {"message": msg}


def command_update(chat: dict, sender: dict, command_text: str, **kw: Any) -> dict:
    """An Update dict for a command message such as '/start arg'."""
    return message_update(chat, sender, text=command_text, **kw)


def _member_update(key: str, chat: dict, actor: dict, member: dict, old_status: str,
                   new_status: str, date: int | None) -> dict:
    return {key: {"chat": chat, "from": actor, "date": unix_now() if date is None else date,
                  "old_chat_member": member_dict(member, old_status),
                  "new_chat_member": member_dict(member, new_status)}}


def my_chat_member_update(chat: dict, actor: dict, bot_user: dict, old_status: str,
                          new_status: str, date: int | None = None) -> dict:
    """An Update dict for a change of the bot's own membership."""
    return _member_update("my_chat_member", chat, actor, bot_user, old_status, new_status, date)


def chat_member_update(chat: dict, actor: dict, member: dict, old_status: str, new_status: str,
                       date: int | None = None) -> dict:
    """An Update dict for a change of another member's status."""
    return _member_update("chat_member", chat, actor, member, old_status, new_status, date)


def bot_user_dict(api: FakeBotApi) -> dict:
    """The bot's own User dict (as in message 'from')."""
    return api.bot_user()


def ptb_bot(api: FakeBotApi, **kwargs: Any) -> Any:
    """A ``telegram.Bot`` for ``api`` (``token=`` overrides); ``async with ptb_bot(api) as bot``."""
    from telegram import Bot  # lazy: the server itself needs only the standard library
    from telegram.request import HTTPXRequest

    # verify=False skips loading the CA bundle (~25 ms per client); the fake speaks plain HTTP.
    def request() -> HTTPXRequest:
        return HTTPXRequest(httpx_kwargs={"verify": False})

    kwargs.setdefault("request", request())
    kwargs.setdefault("get_updates_request", request())
    return Bot(kwargs.pop("token", api.token), base_url=api.base_url, **kwargs)
