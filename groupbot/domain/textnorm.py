"""Normalisation of Chinese work-group titles, purposes and member display names.

Hot code (run on a million titles): regexes compiled once, gated by a look-ahead on their first
characters, entry points memoised in bounded LRU caches. Title-grammar word lists (generic group
words, place/unit suffixes, roles) live here, not in data/topics.toml: they are not topics."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
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
    "qq群 工作专班 专班 工作组 小组 群聊 本群 该群 此群 群 工作 通知 台账 报送 临时")
PURPOSE_FILLER_WORDS: tuple[str, ...] = _split("用于 负责 日常 相关 事宜 等")
_TITLE_FILLER_WORDS = _split("关于 开展 做好")  # "关于开展消防检查" is still 消防检查
_DECORATION_WORDS = _split("重要 置顶 官方 最新 新群 新 正式 勿删 必看 紧急 推荐 new top hot")
# Generic words that also start real words: 群众, 群防群治, 工作室, 工作站.
_WORD_GUARDS = {"群": "(?![众团防治体])", "工作": "(?![室站])"}

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_OPEN, _CLOSE = "([{【〖「『《〈〔", ")]}】〗」』》〉〕"
_COMBINING = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
              (0xFE00, 0xFE0F), (0xFE20, 0xFE2F), (0xE0100, 0xE01EF))
_DROP_CATEGORIES = frozenset({"So", "Sk", "Cf", "Co", "Cs", "Cn", "Me"})
_T2S = opencc.OpenCC("t2s")


def _alternation(words: Iterable[str], guards: Mapping[str, str] | None = None) -> str:
    """Regex alternation of literal words, longest first so the longest one wins."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) + (guards or {}).get(w, "") for w in ordered)


def _gated(first_chars: Iterable[str], pattern: str) -> re.Pattern:
    """Compile pattern behind a look-ahead on its possible first characters."""
    return re.compile(f"(?=[{''.join(sorted(set(first_chars)))}])(?:{pattern})")


class _CharTable(dict):
    """str.translate table classified lazily, so only characters actually seen cost a lookup."""

    def __missing__(self, code: int) -> str | None:
        # Emoji, pictographs, decorative symbols, joiners and variation selectors all go;
        # control characters become spaces so they still separate words.
        category = unicodedata.category(chr(code))
        if category in _DROP_CATEGORIES or chr(code) in "※•" or any(
                lo <= code <= hi for lo, hi in _COMBINING):
            value = None
        else:
            value = " " if category == "Cc" else chr(code)
        self[code] = value
        return value


_CHAR_TABLE = _CharTable()
_BRACKET_RE = re.compile(f"[{re.escape(_OPEN + _CLOSE)}]")
_DECORATION = _alternation(_DECORATION_WORDS)
_DECORATION_RE = re.compile(
    rf"[{re.escape(_OPEN)}]\s*(?:{_DECORATION})(?:[\s,、/·.]*(?:{_DECORATION}))*\s*"
    rf"[{re.escape(_CLOSE)}]|[{re.escape(_OPEN + _CLOSE)}]")


def _normalise_chars(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().translate(_CHAR_TABLE)
    if not text.isascii():
        for _ in range(3):  # t2s is not quite idempotent (薴→苧→苎): convert until stable
            converted = _T2S.convert(text)
            if converted == text:
                break
            text = converted
    return text


def _clean(text: str, bracket: str) -> str:
    for _ in range(3):
        text = _normalise_chars(text)
        if _BRACKET_RE.search(text):
            text = _DECORATION_RE.sub(bracket, text)
        text = " ".join(text.split())
        # Lower-casing or dropping a mark can leave text NFKC changes again; then go round.
        if unicodedata.is_normalized("NFKC", text):
            break
    return text


@lru_cache(maxsize=1 << 15)  # ~12 MB at most; titles and functions repeat a lot
def clean_text(text: str) -> str:
    """NFKC, Traditional→Simplified, no emoji/decoration/brackets, lower-case, single spaces."""
    return _clean(text, " ")


# --- periods --------------------------------------------------------------------------------

_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_MONTH = "(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY, _YEAR = "(?:3[01]|[12][0-9]|0?[1-9])", "(?<![0-9])(?:19|20)[0-9]{2}"
_HOLIDAYS = _split("春节 国庆 中秋 端午 元旦 五一 清明 暑期 暑假 寒假")
_PERIOD_RE = _gated(
    "0123456789一二三四五六七八九十第q上下" + "".join(w[0] for w in _HOLIDAYS),
    rf"(?P<ya>{_YEAR})\s*年\s*(?P<ma>{_MONTH})\s*月份?(?:\s*(?P<da>{_DAY})\s*[日号])?"
    rf"|(?P<yb>{_YEAR})[-./](?P<mb>1[0-2]|0?[1-9])(?![0-9])(?:[-./](?P<db>{_DAY})(?![0-9]))?"
    rf"|(?P<yc>{_YEAR})(?![0-9])(?:\s*年度?)?"
    rf"|(?<![0-9])(?P<md>{_MONTH})\s*月份?(?:\s*(?P<dd>{_DAY})\s*[日号])?"
    r"|第?(?P<q>[一二三四1-4])季度|(?<![a-z0-9])q(?P<q2>[1-4])(?![a-z0-9])"
    rf"|(?P<h>[上下])半年|(?P<hol>{_alternation(_HOLIDAYS)})")


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _CN_DIGITS[text[-1]] % 10 + 10 * (text[0] == "十")


def _period(m: re.Match) -> str:
    """The normalised token: "2026", "2026-03", "2026-03-05", "3月", "第一季度", "上半年"…"""
    g = m.groupdict()
    year, month, day = g["ya"] or g["yb"], g["ma"] or g["mb"], g["da"] or g["db"]
    if year:
        ym = f"{year}-{_number(month):02d}"
        return f"{ym}-{int(day):02d}" if day else ym
    if g["yc"]:
        return g["yc"]
    if g["md"]:
        return f"{_number(g['md'])}月{int(g['dd'])}日" if g["dd"] else f"{_number(g['md'])}月"
    if g["q"] or g["q2"]:
        return f"第{'一二三四'[_number(g['q'] or g['q2']) - 1]}季度"
    return f"{g['h']}半年" if g["h"] else g["hol"]


# --- places and issuing units ---------------------------------------------------------------

_LEVEL_OF_KIND = {"c": "community", "s": "street", "d": "district"}  # "p" (省): no level
_LEVEL_RANK = {"community": 0, "street": 1, "district": 2}
# Look-aheads keep ordinary words (市场, 区域, 办理, 所有, 站点, 科技, 中心工作…) from being
# read as place or unit suffixes.
_ANCHOR_RE = _gated(
    "社小居村街镇乡区县市省委办大中支局所站科",
    "(?P<c>社区|小区|居委会|村委会|居委|村委|村(?![民级里口头]))"
    "|(?P<s>街道办事处|街道办|街道|镇(?![压定静])|乡(?![村镇下亲贤土]))"
    "|(?P<d>区(?![域级划别块])|县(?![级城域])|市(?![场民容政级直属值面]))|(?P<p>省(?![级钱心力]))"
    "|(?P<u>委员会|办公室|大队|中队|支队|中心(?!工作|任务|城区|组)|局(?![面长势部])"
    "|办(?![理事法学结件好实公])|所(?![有以在属得谓需述说长])|站(?![点台长岗位立])"
    "|委(?![员托屈])|科(?![技学普研长员室]))")
_NOT_A_PLACE_RE = re.compile("(?:城市|超市|都市|辖区|园区|景区|市区|地区|农村|乡村|城乡|城镇|"
                             "乡镇|场所|厕所|住所|格局|布局|大局|全局|结局|当局|老旧小区|老小区)$")
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
    """(kind, start, end) of places and units; kind "x" is consumed but not reported."""
    found: list[tuple[str, int, int]] = []
    boundary = 0
    han_only = _NON_HAN_RE.sub(" ", work)  # same length: one space per non-Han character
    for m in _ANCHOR_RE.finditer(work):
        kind, at, end = m.lastgroup or "u", m.start(), m.end()
        start = _prefix_start(work, han_only, at, boundary)
        limit, keep = (7, 4) if kind == "u" else (5, 3)
        if at - start > limit:
            start = at - keep  # over-long prefixes usually begin with topic words
        if start == at and kind == "c" and found and found[-1][0] == "c" and found[-1][2] == at:
            # "和平新村"+"社区" is one place; "德加社区"+"居委会" names the same place again.
            merged = work[at - 1] == "村"
            found.append(("c", found.pop()[1], end) if merged else ("x", at, end))
        elif start == at or work[start:at] in _SCOPE_WORDS \
                or _NOT_A_PLACE_RE.search(work, end - 4, end):
            continue  # a bare suffix ("社区书记群") is an ordinary word, not a place
        else:
            found.append((kind, start, end))
        boundary = end
    return found


# --- function words -------------------------------------------------------------------------

# A copy number before 群 ("2群", "二群", "新群") goes with it.
_GENERIC_PATTERN = ("(?:(?<![0-9])[0-9]{1,2}|[一二三四五六七八九十]{1,2}|新|老|备用)号?(?:群聊|群)|"
                    + _alternation(GENERIC_GROUP_WORDS, _WORD_GUARDS))
_GENERIC_FIRST = "0123456789一二三四五六七八九十新老备" + "".join(w[0] for w in GENERIC_GROUP_WORDS)
_GENERIC_RE = _gated(_GENERIC_FIRST + "".join(w[0] for w in _TITLE_FILLER_WORDS),
                     _alternation(_TITLE_FILLER_WORDS) + "|" + _GENERIC_PATTERN)
_PURPOSE_RE = _gated(_GENERIC_FIRST + "".join(w[0] for w in PURPOSE_FILLER_WORDS),
                     _alternation(PURPOSE_FILLER_WORDS) + "|" + _GENERIC_PATTERN)
_TOKEN_SPLIT_RE = re.compile(r"[\W_]+")
_VERSION_TOKEN_RE = re.compile(r"v?[0-9]{1,2}(?:\.[0-9])?|[一二三四五六七八九十]")


def _join_tokens(tokens: Iterable[str], spaced: bool) -> str:
    # Han needs no spaces; Latin words keep one, but only if the source had spaces at all,
    # so the function never contains a character the cleaned title lacks.
    if not spaced:
        return "".join(tokens)
    out = ""
    for token in tokens:
        out += (" " if out and not _is_han(out[-1]) and not _is_han(token[0]) else "") + token
    return out


def _words(text: str, pattern: re.Pattern | None, spaced: bool, drop_version: bool) -> str:
    tokens = [t for t in _TOKEN_SPLIT_RE.split(pattern.sub(" ", text) if pattern else text) if t]
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
    words = [w for w in map(clean_text, patterns) if w]
    return re.compile(_alternation(words)) if words else None


def looks_temporary(title: str, patterns: Iterable[str] = DEFAULT_TEMPORARY_PATTERNS) -> bool:
    """Whether a title names a temporary group: any pattern, in either script, any case."""
    return _temporary_in(clean_text(title), tuple(patterns))


def _temporary_in(cleaned: str, patterns: tuple[str, ...]) -> bool:
    temporary_re = _temporary_re(patterns)
    return bool(temporary_re and temporary_re.search(cleaned))


def parse_title(title: str, temporary_patterns: Iterable[str] = DEFAULT_TEMPORARY_PATTERNS
                ) -> TitleParts:
    """Split a group title into function, locations, level, issuing units and periods."""
    if not isinstance(temporary_patterns, tuple):
        temporary_patterns = tuple(temporary_patterns)
    return _parse_title(title, temporary_patterns)


@lru_cache(maxsize=1 << 14)
def _parse_title(title: str, patterns: tuple[str, ...]) -> TitleParts:
    cleaned = clean_text(title)
    periods: list[str] = []
    # Consumed spans become same-length spaces so positions and word boundaries survive.
    work = _PERIOD_RE.sub(lambda m: periods.append(_period(m)) or " " * len(m.group()), cleaned)
    locations, units, levels = [], [], []
    for kind, start, end in _anchors(work):
        if kind in "csdp":
            locations.append(cleaned[start:end])
        elif kind == "u":
            units.append(cleaned[start:end])
        if kind in _LEVEL_OF_KIND:
            levels.append(_LEVEL_OF_KIND[kind])
        work = work[:start] + " " * (end - start) + work[end:]
    spaced = " " in cleaned
    # Fallbacks keep the function non-empty: the units ("退役军人服务站"), then the whole title.
    function = (_words(work, _GENERIC_RE, spaced, True) or _join_tokens(units, spaced)
                or _words(cleaned, _GENERIC_RE, spaced, True)
                or _words(cleaned, None, spaced, False))
    return TitleParts(
        original=title, cleaned=cleaned, function=function, locations=tuple(locations),
        level=min(levels, key=_LEVEL_RANK.__getitem__) if levels else None, units=tuple(units),
        periods=tuple(dict.fromkeys(periods)),
        temporary=_temporary_in(cleaned, patterns))


def normalise_purpose(text: str | None) -> str:
    """Cleaned purpose without generic group words and filler; "" for None."""
    return _words(clean_text(text), _PURPOSE_RE, True, False) if text else ""


# --- member names ---------------------------------------------------------------------------

_ROLE_WORDS = _split(
    "专职网格员 兼职网格员 网格员 网格长 党委书记 支部书记 副书记 书记 副主任 主任 委员 专干 社工 "
    "民警 辅警 片警 志愿者 组长 楼长 楼道长 单元长 队长 站长 所长 局长 科长 主席 会长 干部 老师 "
    "医生 经理 保安 管家 片长 村长 镇长 联络员 信息员 协管员 调解员 安全员 统计员 工作人员 负责人 "
    "联系人 管理员 群主 客服 主管 助理 同志 代表 党员")
_UNIT_WORDS = _split("社区 街道 小区 居委会 村委会 居委 村委 物业 派出所 中心 大队 中队 办公室 "
                     "委员会 公司 支部 政府 医院 学校")
# Common surnames decide between two name-like parts ("涌金门-网格员-王轩" is 王轩).
_SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
                      "袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟"
                      "熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
_COMPOUND_SURNAMES = frozenset(_split("欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 司徒"))
_NOT_IN_NAME_RE = re.compile(_alternation([*_ROLE_WORDS, *_UNIT_WORDS, *"村镇局办站队"]))
_LEADING_UNIT_RE = re.compile(f"^.*(?:{_alternation(_UNIT_WORDS)})")
_LEADING_ROLE_RE = re.compile(f"^(?:{_alternation(_ROLE_WORDS)})+")
_TRAILING_ROLE_RE = re.compile(f"(?:{_alternation(_ROLE_WORDS)})+$")
_NAME_RE = re.compile(f"[{_HAN}]{{2,4}}")
# Unified ideographs only: NFKC, lower-casing and the character table leave them as they are.
_PLAIN_NAME_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]{2,4}")
_HAN_RUN_RE = re.compile(f"[{_HAN}]+")
_NAME_SEP = r"\-‐‑‒–—―_|/\\·•@:：,，、;；~～#+&="
_NAME_SEP_RE = re.compile(f"[{_NAME_SEP}]+")
_NAME_EDGE_RE = re.compile(rf"^[\s{_NAME_SEP}]+|[\s{_NAME_SEP}]+$")


def _name_candidates(parts: list[str]) -> Iterable[str]:
    for part in parts:
        yield part
        runs = _HAN_RUN_RE.findall(part)
        if runs and runs[0] != part:  # "王轩 网格员", "王轩13800000000", "王 轩"
            yield from runs
            yield "".join(runs)


def _name_core(candidate: str) -> str | None:
    core = _LEADING_ROLE_RE.sub("", _LEADING_UNIT_RE.sub("", candidate))
    core = _TRAILING_ROLE_RE.sub("", core)
    return core if _NAME_RE.fullmatch(core) and not _NOT_IN_NAME_RE.search(core) else None


@lru_cache(maxsize=1 << 16)  # the same people sit in many groups
def member_key(display_name: str) -> str:
    """The person's name from a display name, role, unit and place annotations stripped."""
    if _PLAIN_NAME_RE.fullmatch(display_name):
        # Most display names are a bare name ("王轩"): the general path below would return it
        # as normalised, so only the normalisation is done (a third of the time).
        name = _normalise_chars(display_name)
        if _PLAIN_NAME_RE.fullmatch(name) and not _NOT_IN_NAME_RE.search(name):
            return name
    cleaned = _NAME_EDGE_RE.sub("", _clean(display_name, "|"))
    parts = [p.strip() for p in _NAME_SEP_RE.split(cleaned)]
    first = None
    for core in filter(None, map(_name_core, _name_candidates(parts))):
        if core[0] in _SURNAMES or core[:2] in _COMPOUND_SURNAMES:
            return core
        first = first or core
    if first:
        return first
    if _HAN_RUN_RE.search(cleaned):
        # No Han name found: a Latin or numeric part ("John Smith|网格员") is the next best.
        for part in parts:
            if not _HAN_RUN_RE.search(part) and any(c.isalnum() for c in part):
                return part
    return cleaned
