"""Normalisation of Chinese work-group titles, purposes and member display names.

Hot code (a benchmark runs it on a million titles): regexes are compiled once, each gated by a
look-ahead on its possible first characters so most positions fail in one test, and entry
points are memoised with bounded LRU caches. Title-grammar word lists (generic group words,
place/unit suffixes, role words) live here, not in data/topics.toml: they are not topics.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import opencc

DEFAULT_TEMPORARY_PATTERNS: tuple[str, ...] = ("临时", "专班", "迎检", "temp")


def _split(words: str) -> tuple[str, ...]:
    """Space-separated word list (keeps the long Chinese lists readable)."""
    return tuple(words.split())


# Removed from a title's function. "临时" is included because temporariness is reported in
# its own field and would otherwise make "消防临时群" look unlike "消防群".
GENERIC_GROUP_WORDS: tuple[str, ...] = _split(
    "台账报送群 工作群 通知群 交流群 报送群 联络群 沟通群 对接群 服务群 管理群 微信群 钉钉群 "
    "qq群 工作专班 专班 工作组 小组 群聊 本群 该群 此群 群 工作 通知 台账 报送 临时"
)
PURPOSE_FILLER_WORDS: tuple[str, ...] = _split("用于 负责 日常 相关 事宜 等")
_TITLE_FILLER_WORDS = ("关于", "开展", "做好")  # "关于开展消防检查" is still 消防检查
_DECORATION_WORDS = _split("重要 置顶 官方 最新 新群 新 正式 勿删 必看 紧急 推荐 new top hot")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_OPEN, _CLOSE = "([{【〖「『《〈〔", ")]}】〗」』》〉〕"
_COMBINING = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
              (0xFE00, 0xFE0F), (0xFE20, 0xFE2F), (0xE0100, 0xE01EF))
_DROP_CATEGORIES = frozenset({"So", "Sk", "Cf", "Co", "Cs", "Cn", "Me"})
_T2S = opencc.OpenCC("t2s")


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation of literal words, longest first so the longest one wins."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _gated(first_chars: str, pattern: str) -> re.Pattern:
    """Compile pattern behind a look-ahead on its first characters (sre scans those fast)."""
    return re.compile(f"(?=[{first_chars}])(?:{pattern})")


class _CharTable(dict):
    """str.translate table classified lazily, so only characters actually seen cost a lookup."""

    def __missing__(self, code: int) -> str | None:
        value = _classify(code)
        self[code] = value
        return value


def _classify(code: int) -> str | None:
    # Emoji, pictographs, decorative symbols, joiners and variation selectors all go; control
    # characters become spaces so they still separate words.
    if any(lo <= code <= hi for lo, hi in _COMBINING):
        return None
    char = chr(code)
    category = unicodedata.category(char)
    if category in _DROP_CATEGORIES or char in "※•":
        return None
    return " " if category == "Cc" else char


_CHAR_TABLE = _CharTable()
_BRACKET_RE = re.compile(f"[{re.escape(_OPEN + _CLOSE)}]")
_DECORATION_RE = re.compile(
    rf"[{re.escape(_OPEN)}]\s*(?:{_alternation(_DECORATION_WORDS)})"
    rf"(?:[\s,、/·.]*(?:{_alternation(_DECORATION_WORDS)}))*\s*[{re.escape(_CLOSE)}]"
    rf"|[{re.escape(_OPEN + _CLOSE)}]"
)


def _normalise_chars(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().translate(_CHAR_TABLE)
    if not text.isascii():
        # t2s is not quite idempotent (薴→苧→苎), so convert until stable.
        for _ in range(3):
            converted = _T2S.convert(text)
            if converted == text:
                break
            text = converted
    return text


def _clean_once(text: str, bracket: str) -> str:
    text = _normalise_chars(text)
    if _BRACKET_RE.search(text):
        text = _DECORATION_RE.sub(bracket, text)
    return " ".join(text.split())


def _clean_fixpoint(text: str, bracket: str) -> str:
    result = _clean_once(text, bracket)
    # Lower-casing or dropping a mark can leave text NFKC would change again; rerun then.
    for _ in range(3):
        if unicodedata.is_normalized("NFKC", result):
            break
        result = _clean_once(result, bracket)
    return result


@lru_cache(maxsize=1 << 17)
def clean_text(text: str) -> str:
    """NFKC, Traditional→Simplified, no emoji/decoration/brackets, lower-case, single spaces."""
    return _clean_fixpoint(text, " ")


# --- periods ------------------------------------------------------------------------------

_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_MONTH = "(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = "(?:3[01]|[12][0-9]|0?[1-9])"
_YEAR = "(?:19|20)[0-9]{2}"
_HOLIDAYS = _split("春节 国庆 中秋 端午 元旦 五一 清明 暑期 暑假 寒假")
_PERIOD_RE = _gated(
    "0-9一二三四五六七八九十第q上下" + "".join({w[0] for w in _HOLIDAYS}),
    rf"(?<![0-9])(?P<ya>{_YEAR})\s*年\s*(?P<ma>{_MONTH})\s*月份?(?:\s*(?P<da>{_DAY})\s*[日号])?"
    rf"|(?<![0-9])(?P<yb>{_YEAR})[-./](?P<mb>1[0-2]|0?[1-9])(?![0-9])"
    rf"(?:[-./](?P<db>{_DAY})(?![0-9]))?"
    rf"|(?<![0-9])(?P<yc>{_YEAR})(?![0-9])(?:\s*年度?)?"
    rf"|(?<![0-9])(?P<md>{_MONTH})\s*月份?(?:\s*(?P<dd>{_DAY})\s*[日号])?"
    r"|第?(?P<q>[一二三四1-4])季度|(?<![a-z0-9])q(?P<q2>[1-4])(?![a-z0-9])"
    rf"|(?P<h>[上下])半年|(?P<hol>{_alternation(_HOLIDAYS)})"
)


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    return 10 + _CN_DIGITS.get(text[1:], 0) if text[0] == "十" else _CN_DIGITS[text]


def _period(m: re.Match) -> str:
    g = m.groupdict()
    year, month, day = g["ya"] or g["yb"], g["ma"] or g["mb"], g["da"] or g["db"]
    if year:
        if day:
            return f"{year}-{_number(month):02d}-{int(day):02d}"
        return f"{year}-{_number(month):02d}"
    if g["yc"]:
        return g["yc"]
    if g["md"]:
        return f"{_number(g['md'])}月{int(g['dd'])}日" if g["dd"] else f"{_number(g['md'])}月"
    if g["q"] or g["q2"]:
        return f"第{'一二三四'[_number(g['q'] or g['q2']) - 1]}季度"
    return f"{g['h']}半年" if g["h"] else g["hol"]


# --- places and issuing units ---------------------------------------------------------------

_LEVEL_OF_KIND = {"c": "community", "s": "street", "d": "district", "p": None}
_LEVEL_RANK = {"community": 0, "street": 1, "district": 2}
# Look-aheads keep ordinary words (市场, 区域, 办理, 所有, 站点, 科技, 中心工作…) from
# being read as place or unit suffixes.
_ANCHOR_RE = _gated(
    "社小居村街镇乡区县市省委办大中支局所站科",
    "(?P<c>社区|小区|居委会|村委会|居委|村委|村(?![民级里口头]))"
    "|(?P<s>街道办事处|街道办|街道|镇(?![压定静])|乡(?![村镇下亲贤土]))"
    "|(?P<d>区(?![域级划别块])|县(?![级城域])|市(?![场民容政级直属值面]))"
    "|(?P<p>省(?![级钱心力]))"
    "|(?P<u>委员会|办公室|大队|中队|支队|中心(?!工作|任务|城区|组)|局(?![面长势部])"
    "|办(?![理事法学结件好实公])|所(?![有以在属得谓需述说长])|站(?![点台长岗位立])"
    "|委(?![员托屈])|科(?![技学普研长员室]))"
)
_NOT_A_PLACE_RE = re.compile(
    "(?:城市|超市|都市|辖区|园区|景区|市区|地区|农村|乡村|城乡|城镇|乡镇|场所|厕所|住所|"
    "格局|布局|大局|全局|结局|当局|老旧小区|老小区)$"
)
_SCOPE_WORDS = frozenset("全本我各该此每辖片分总")  # "全区", "本村": a scope, not a name
_LEADING_FILLER_RE = re.compile("(?:关于|开展|配合|协助|做好|加强|全体|所有|对接|联系|会同|各)+")


_NON_HAN_RE = re.compile(f"[^{_HAN}]")


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or char >= "\U00020000"


def _prefix_start(work: str, han_only: str, end: int, boundary: int) -> int:
    start = han_only.rfind(" ", boundary, end) + 1 or boundary  # the Han run ending at end
    filler = _LEADING_FILLER_RE.match(work, start, end)
    return filler.end() if filler else start


def _anchors(work: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every place or unit named, each prefix reaching back to the last."""
    found: list[tuple[str, int, int]] = []
    boundary = 0
    han_only = _NON_HAN_RE.sub(" ", work)  # same length: one space per non-Han character
    for m in _ANCHOR_RE.finditer(work):
        kind, start = m.lastgroup or "u", _prefix_start(work, han_only, m.start(), boundary)
        # Over-long prefixes usually begin with topic words; keep the tail, the likely name.
        limit, keep = (6, 4) if kind == "u" else (5, 3)
        if m.start() - start > limit:
            start = m.start() - keep
        prefix = work[start:m.start()]
        if not prefix and kind == "c" and found and found[-1][2] == start \
                and work[start - 1] == "村":
            found[-1] = ("c", found[-1][1], m.end())  # "和平新村" + "社区" is one place
        elif not prefix or prefix in _SCOPE_WORDS or _NOT_A_PLACE_RE.search(work, m.end() - 4, m.end()):
            continue  # a bare suffix ("社区书记群") is an ordinary word, not a place
        else:
            found.append((kind, start, m.end()))
        boundary = m.end()
    return found


# --- function words -------------------------------------------------------------------------

# A copy number before 群 ("2群", "二群", "新群") goes with it; a lone 群 goes unless it
# starts another word (群众, 群防群治).
_GENERIC_PATTERN = (
    "(?:(?<![0-9])[0-9]{1,2}|[一二三四五六七八九十]{1,2}|新|老|备用)号?(?:群聊|群)|"
    + _alternation(w for w in GENERIC_GROUP_WORDS if w != "群") + "|群(?![众团防治体])"
)
_GENERIC_FIRST = "0-9一二三四五六七八九十新老备" + "".join({w[0] for w in GENERIC_GROUP_WORDS})
_GENERIC_RE = _gated(_GENERIC_FIRST + "".join({w[0] for w in _TITLE_FILLER_WORDS}),
                     _alternation(_TITLE_FILLER_WORDS) + "|" + _GENERIC_PATTERN)
_PURPOSE_RE = _gated(_GENERIC_FIRST + "".join({w[0] for w in PURPOSE_FILLER_WORDS}),
                     _alternation(PURPOSE_FILLER_WORDS) + "|" + _GENERIC_PATTERN)
_TOKEN_SPLIT_RE = re.compile(r"[\W_]+")
_VERSION_TOKEN_RE = re.compile(r"(?:v?[0-9]{1,2}(?:\.[0-9])?|[一二三四五六七八九十])")


def _join_tokens(tokens: list[str], spaced: bool) -> str:
    # Han needs no spaces; Latin words keep one, but only if the source had spaces at all,
    # so the function never contains a character the cleaned title lacks.
    if not spaced:
        return "".join(tokens)
    out = ""
    for token in tokens:
        if out and not _is_han(out[-1]) and not _is_han(token[0]):
            out += " "
        out += token
    return out


def _words(text: str, pattern: re.Pattern | None, spaced: bool, drop_version: bool) -> str:
    if pattern is not None:
        text = pattern.sub(" ", text)
    tokens = [t for t in _TOKEN_SPLIT_RE.split(text) if t]
    if drop_version and len(tokens) > 1 and _VERSION_TOKEN_RE.fullmatch(tokens[-1]):
        tokens.pop()  # "消防群 2", "消防群 v2": a trailing copy number, not a function
    return _join_tokens(tokens, spaced)


@dataclass(frozen=True, slots=True)
class TitleParts:
    """A group title taken apart into function, places, level, units, periods and temporariness."""

    original: str
    cleaned: str
    function: str
    locations: tuple[str, ...]
    level: str | None
    units: tuple[str, ...]
    periods: tuple[str, ...]
    temporary: bool


@lru_cache(maxsize=64)
def _temporary_re(patterns: tuple[str, ...]) -> re.Pattern | None:
    words = [w for w in (clean_text(p) for p in patterns) if w]
    return re.compile(_alternation(words)) if words else None


def parse_title(title: str, temporary_patterns: Iterable[str] = DEFAULT_TEMPORARY_PATTERNS
                ) -> TitleParts:
    """Split a group title into function, locations, level, issuing units and periods."""
    patterns = temporary_patterns if isinstance(temporary_patterns, tuple) else tuple(
        temporary_patterns)
    return _parse_title(title, patterns)


@lru_cache(maxsize=1 << 16)
def _parse_title(title: str, patterns: tuple[str, ...]) -> TitleParts:
    cleaned = clean_text(title)
    periods: list[str] = []
    # Blank consumed spans with same-length spaces so positions and word boundaries survive.
    work = _PERIOD_RE.sub(lambda m: periods.append(_period(m)) or " " * len(m.group()), cleaned)
    locations: list[str] = []
    units: list[str] = []
    levels: list[str] = []
    for kind, start, end in _anchors(work):
        (units if kind == "u" else locations).append(cleaned[start:end])
        if _LEVEL_OF_KIND.get(kind):
            levels.append(_LEVEL_OF_KIND[kind])
        work = work[:start] + " " * (end - start) + work[end:]
    spaced = " " in cleaned
    # Fallbacks keep the function non-empty: the units ("退役军人服务站"), then the whole title.
    function = (_words(work, _GENERIC_RE, spaced, True) or _join_tokens(units, spaced)
                or _words(cleaned, _GENERIC_RE, spaced, True)
                or _words(cleaned, None, spaced, False))
    temporary_re = _temporary_re(patterns)
    return TitleParts(
        original=title, cleaned=cleaned, function=function, locations=tuple(locations),
        level=min(levels, key=_LEVEL_RANK.__getitem__) if levels else None, units=tuple(units),
        periods=tuple(dict.fromkeys(periods)),
        temporary=bool(temporary_re and temporary_re.search(cleaned)),
    )


def normalise_purpose(text: str | None) -> str:
    """Cleaned purpose without generic group words and filler; "" for None."""
    if not text:
        return ""
    return _words(clean_text(text), _PURPOSE_RE, True, False)


# --- member names ---------------------------------------------------------------------------

_ROLE_WORDS = _split(
    "专职网格员 兼职网格员 网格员 网格长 党委书记 支部书记 副书记 书记 副主任 主任 委员 专干 社工 "
    "民警 辅警 片警 志愿者 组长 楼长 楼道长 单元长 队长 站长 所长 局长 科长 主席 会长 干部 老师 "
    "医生 经理 保安 管家 片长 村长 镇长 联络员 信息员 协管员 调解员 安全员 统计员 工作人员 负责人 "
    "联系人 管理员 群主 客服 主管 助理 同志 代表 党员"
)
_UNIT_WORDS = _split("社区 街道 小区 居委会 村委会 居委 村委 物业 派出所 中心 大队 中队 办公室 "
                     "委员会 公司 支部 政府 医院 学校")
_NOT_IN_NAME_RE = re.compile(_alternation([*_ROLE_WORDS, *_UNIT_WORDS, "村", "镇", "局", "办",
                                           "站", "队"]))
_LEADING_UNIT_RE = re.compile(f"^.*(?:{_alternation(_UNIT_WORDS)})")
_LEADING_ROLE_RE = re.compile(f"^(?:{_alternation(_ROLE_WORDS)})+")
_TRAILING_ROLE_RE = re.compile(f"(?:{_alternation(_ROLE_WORDS)})+$")
_NAME_RE = re.compile(f"[{_HAN}]{{2,4}}")
_HAN_RE = re.compile(f"[{_HAN}]")
_NAME_SEP = r"\-‐‑‒–—―_|/\\·•@:：,，、;；~～#+&="
_NAME_SEP_RE = re.compile(f"[{_NAME_SEP}]+")
_NAME_EDGE_RE = re.compile(rf"^[\s{_NAME_SEP}]+|[\s{_NAME_SEP}]+$")


def _name_core(part: str) -> str:
    part = _LEADING_ROLE_RE.sub("", _LEADING_UNIT_RE.sub("", part))
    return _TRAILING_ROLE_RE.sub("", part)


def _name_candidates(parts: list[str]) -> Iterable[str]:
    for part in parts:
        if " " in part and _HAN_RE.search(part):
            yield from part.split()
            yield part.replace(" ", "")
        else:
            yield part


@lru_cache(maxsize=1 << 17)
def member_key(display_name: str) -> str:
    """The person's name from a display name, role, unit and place annotations stripped."""
    cleaned = _NAME_EDGE_RE.sub("", _clean_fixpoint(display_name, "|"))
    parts = [p.strip() for p in _NAME_SEP_RE.split(cleaned)]
    for candidate in _name_candidates(parts):
        core = _name_core(candidate)
        if _NAME_RE.fullmatch(core) and not _NOT_IN_NAME_RE.search(core):
            return core
    if _HAN_RE.search(cleaned):
        # No Han name found: a Latin or numeric part ("John Smith|网格员") is the next best.
        for part in parts:
            if part and not _HAN_RE.search(part) and any(c.isalnum() for c in part):
                return part
    return cleaned
