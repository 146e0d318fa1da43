"""Checks Bot API requests against the published spec (``../shared/botapi/api.json``).

The spec lists every method's parameters and every object's fields with their types; limits it
states only in prose ("1-64 bytes", "At most 100 commands") are read from the descriptions.
:func:`check_request` answers ``None`` for a call the real Bot API would take, else the HTTP
status and description Telegram would answer with.
"""

from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The spec is shared between projects and lives beside the repository, never inside it.
SPEC_PATH = Path(__file__).resolve().parents[1] / ".." / "shared" / "botapi" / "api.json"
PRIMITIVES = frozenset({"Integer", "String", "Boolean", "Float"})
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
_RANGE = re.compile(r"(\d+)-(\d+) (characters|bytes|items)")
_AT_MOST = re.compile(r"(?:At most|up to) (\d+) (?:\w+ )*?(?:commands|items|identifiers)")
_CONST = re.compile(r'(?:must be|always) "?([a-z_]+)"?$')
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_TAG = re.compile(r"<[^>]*>")
_MARKDOWN = re.compile(r"[\\*_~|`\[\]()]")
_INT = re.compile(r"[+-]?\d+")
# InlineKeyboardButton: besides these, exactly one field says what the button does.
_BUTTON_LOOKS = frozenset({"text", "icon_custom_emoji_id", "style"})


class SpecMissingError(RuntimeError):
    """The Bot API spec file is not where the fake expects it."""


class InputFilePart(dict):
    """A multipart file part (name, type, size): the only value that counts as ``InputFile``."""


@dataclass(frozen=True, slots=True)
class Field:
    """One parameter or object field, compiled for cheap checks."""

    name: str
    types: tuple[str, ...]
    required: bool
    limit: tuple[int, int, str] | None  # (low, high, unit) from the prose
    const: str | None  # the value a union member's discriminator must have
    parsed: bool  # the length counts after entity parsing (parse_mode)


@dataclass(frozen=True, slots=True)
class Spec:
    """The compiled spec: methods by lower-case name, object types and abstract unions."""

    version: str
    methods: dict[str, tuple[str, dict[str, Field]]]
    types: dict[str, dict[str, Field]]
    subtypes: dict[str, tuple[str, ...]]


class _Refused(Exception):
    def __init__(self, reason: str, depth: int = 0) -> None:
        super().__init__(reason)
        self.reason, self.depth = reason, depth


def _limit(desc: str, types: list[str]) -> tuple[int, int, str] | None:
    if match := _RANGE.search(desc):
        return int(match[1]), int(match[2]), match[3]
    if any(t.startswith("Array of") for t in types) and (match := _AT_MOST.search(desc)):
        return 0, int(match[1]), "items"
    return None


def _field(raw: dict) -> Field:
    desc, name = raw.get("description", ""), raw["name"]
    const = _CONST.search(desc) if name in ("type", "status", "source") else None
    return Field(name, tuple(raw["types"]), bool(raw["required"]), _limit(desc, raw["types"]),
                 const[1] if const else None, "after entities parsing" in desc)


@functools.cache
def load_spec(path: Path = SPEC_PATH) -> Spec:
    """Read and compile the spec once per process; a missing file is a loud error."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecMissingError(
            f"Bot API spec not found at {Path(path).resolve()}: the fake Bot API checks every "
            "request against it; put shared/botapi/api.json beside the repository") from None
    methods = {name.lower(): (name, {f["name"]: _field(f) for f in m.get("fields", ())})
               for name, m in data["methods"].items()}
    types = {name: {f["name"]: _field(f) for f in t.get("fields", ())}
             for name, t in data["types"].items()}
    subtypes = {name: tuple(t["subtypes"]) for name, t in data["types"].items()
                if t.get("subtypes")}
    return Spec(data.get("version", "?"), methods, types, subtypes)


def check_request(method: str, params: dict[str, Any], spec: Spec | None = None
                  ) -> tuple[int, str] | None:
    """``None`` if the real Bot API would take this call, else (status, description)."""
    spec = spec or load_spec()
    found = spec.methods.get(method.lower())
    if found is None:
        return 404, "Not Found"
    name, fields = found
    try:
        _check_fields(spec, name, fields, params, top=True)
    except _Refused as exc:
        return 400, f"Bad Request: {name}: {exc.reason}"
    return None


def _check_fields(spec: Spec, owner: str, fields: dict[str, Field], values: dict[str, Any],
                  top: bool, path: str = "") -> None:
    for key in values:
        if key not in fields:
            what = "parameter" if top else f"field of {owner}"
            raise _Refused(f'unknown {what} "{path}{key}"')
    for field in fields.values():
        if field.name not in values:
            if field.required:
                what = "parameter" if top else f"field of {owner}"
                raise _Refused(f'required {what} "{path}{field.name}" is missing', 1)
            continue
        value = _check_value(spec, field, values[field.name], top, f"{path}{field.name}")
        _check_limit(field, value, values, f"{path}{field.name}")
    if owner in _OBJECT_RULES:
        _OBJECT_RULES[owner](values, path)


def _check_value(spec: Spec, field: Field, value: Any, top: bool, path: str) -> Any:
    """The value as checked (JSON-decoded if it arrived serialised); raises _Refused."""
    if top and isinstance(value, str) and "String" not in field.types:
        value = _decode(value)  # form data: everything but strings arrives JSON-serialised
    errors = []
    for type_name in field.types:
        try:
            _check_type(spec, type_name, value, path)
        except _Refused as exc:
            errors.append(exc)
            continue
        if field.const is not None and value != field.const:
            raise _Refused(f'"{path}" must be "{field.const}", got {_show(value)}')
        return value
    if len(errors) == 1:
        raise errors[0]
    best = max(errors, key=lambda e: e.depth)
    if best.depth:  # the value has the shape of one alternative: its own complaint says most
        raise best
    raise _Refused(f'"{path}" must be {" or ".join(field.types)}, got {_show(value)}')


def _check_type(spec: Spec, type_name: str, value: Any, path: str) -> None:
    if type_name.startswith("Array of "):
        if not isinstance(value, list):
            raise _Refused(f'"{path}" must be {type_name}, got {_show(value)}')
        inner = Field(path, (type_name[9:],), True, None, None, False)
        for i, item in enumerate(value):
            _check_value(spec, inner, item, False, f"{path}[{i}]")
        return
    if type_name in PRIMITIVES:
        if not _PRIMITIVE_OK[type_name](value):
            raise _Refused(f'"{path}" must be {type_name}, got {_show(value)}')
        return
    if type_name == "InputFile":
        if not isinstance(value, InputFilePart):
            raise _Refused(f'"{path}" must be an uploaded file, got {_show(value)}')
        return
    _check_object(spec, type_name, value, path)


def _check_object(spec: Spec, type_name: str, value: Any, path: str) -> None:
    if not isinstance(value, dict) or isinstance(value, InputFilePart):
        raise _Refused(f'"{path}" must be {type_name}, got {_show(value)}')
    if type_name in spec.subtypes:  # an abstract type: one of its concrete kinds must fit
        union = Field(path, spec.subtypes[type_name], True, None, None, False)
        _check_value(spec, union, value, False, path)
        return
    fields = spec.types[type_name]
    try:
        _check_fields(spec, type_name, fields, value, top=False, path=f"{path}.")
    except _Refused as exc:
        # Depth ranks union alternatives: more of the value's keys known means a likelier match.
        known = sum(key in fields for key in value)
        raise _Refused(exc.reason, 1 + known + exc.depth) from None


def _check_limit(field: Field, value: Any, siblings: dict[str, Any], path: str) -> None:
    if field.limit is None:
        return
    low, high, unit = field.limit
    if unit == "items":
        size = len(value) if isinstance(value, list) else None
    elif not isinstance(value, str):
        return
    elif unit == "bytes":
        size = len(value.encode("utf-8"))
    else:
        size = _visible_length(field, value, siblings)
        unit = "characters after entities parsing" if field.parsed else unit
    if size is not None and not low <= size <= high:
        raise _Refused(f'"{path}" must be {low}-{high} {unit}, got {size}', 2)


def _visible_length(field: Field, text: str, siblings: dict[str, Any]) -> int:
    """Characters left once the parse mode's markup is gone (an undercount for Markdown)."""
    mode = siblings.get(f"{field.name}_parse_mode") or siblings.get("parse_mode")
    if not field.parsed or not isinstance(mode, str):
        return len(text)
    if mode.lower() == "html":
        return len(html.unescape(_TAG.sub("", text)))
    # Markdown markup cannot be told from escaped text cheaply; dropping every candidate
    # character undercounts, so a text over the limit here is over it for Telegram too.
    return len(_MARKDOWN.sub("", text))


def _inline_button(values: dict[str, Any], path: str) -> None:
    if not values.get("text"):
        raise _Refused(f'"{path}text" of an inline keyboard button must be non-empty', 2)
    actions = [key for key in values if key not in _BUTTON_LOOKS]
    if len(actions) != 1:
        raise _Refused(f'inline keyboard button "{path.rstrip(".")}" must have exactly one '
                       f"action field, got {actions or 'none'}", 2)


def _bot_command(values: dict[str, Any], path: str) -> None:
    command = values.get("command")
    if isinstance(command, str) and not _COMMAND.fullmatch(command):
        raise _Refused(f'"{path}command" must be 1-32 characters of a-z, 0-9 and _, '
                       f"got {_show(command)}", 2)


_OBJECT_RULES = {"InlineKeyboardButton": _inline_button, "BotCommand": _bot_command}


def _decode(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _is_int(value: Any) -> bool:
    # Telegram takes "123" for an Integer, as form data always sends it.
    if isinstance(value, str):
        return _INT.fullmatch(value.strip()) is not None
    return isinstance(value, int) and not isinstance(value, bool)


def _is_float(value: Any) -> bool:
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_PRIMITIVE_OK = {
    "Integer": _is_int,
    "Float": _is_float,
    "String": lambda v: isinstance(v, str),
    "Boolean": lambda v: isinstance(v, bool) or (isinstance(v, str) and v.lower() in _BOOLEANS),
}


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."
