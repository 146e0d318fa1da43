"""Title, purpose and member-name normalisation, and the topic lexicon."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groupbot.domain.lexicon import Lexicon
from groupbot.domain.textnorm import (
    DEFAULT_TEMPORARY_PATTERNS,
    TitleParts,
    clean_text,
    looks_temporary,
    member_key,
    normalise_purpose,
    parse_title,
)

SAME_GROUP_TITLES = [
    "涌金门社区消防安全工作群",
    "涌金门社区消防工作群(新)",
    "涌金门社区消防工作2群",
    "2026涌金门社区消防通知群",
    "消防大队涌金门社区消防检查对接群",
    "【重要】湖濱街道湧金門社區消防安全工作羣✨",
    "涌金门社区消防台账群(新)",
]


@pytest.mark.parametrize(("raw", "expected"), [
    ("湖濱街道湧金門社區", "湖滨街道涌金门社区"),  # Traditional → Simplified
    ("ＱＱ群　ＡＢＣ", "qq群 abc"),  # NFKC full-width, lower-case, ideographic space
    ("消防✨群🔥★☆❤️", "消防群"),  # emoji and decorative symbols
    ("【重要】消防群", "消防群"),  # decoration-only bracket word
    ("消防群[置顶]（新）", "消防群"),
    ("「官方 · 置顶」消防群", "消防群"),
    ("消防群（涌金门）", "消防群 涌金门"),  # bracket text kept, brackets gone
    ("《重要文件》学习群", "重要文件 学习群"),  # not decoration-only: kept
    ("  a \t b\n c  ", "a b c"),
    ("👨‍👩‍👧家长群", "家长群"),  # ZWJ sequences
    ("", ""),
])
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


def test_parse_title_issue_example():
    parts = parse_title("【重要】湖濱街道湧金門社區消防安全工作羣✨")
    assert isinstance(parts, TitleParts)
    assert parts.original == "【重要】湖濱街道湧金門社區消防安全工作羣✨"
    assert parts.cleaned == "湖滨街道涌金门社区消防安全工作群"
    assert parts.locations == ("湖滨街道", "涌金门社区")
    assert parts.level == "community"
    assert "消防" in parts.function
    for word in ("群", "工作", "街道", "社区", "重要"):
        assert word not in parts.function
    assert parts.temporary is False


def test_same_group_titles_share_function_and_topics():
    lexicon = Lexicon.default()
    functions = {lexicon.canonicalise(parse_title(t).function) for t in SAME_GROUP_TITLES}
    assert functions == {"消防安全"}
    assert all(lexicon.topics(parse_title(t).function) == {"消防安全"} for t in SAME_GROUP_TITLES)
    assert all(lexicon.topics(t) == {"消防安全"} for t in SAME_GROUP_TITLES)


@pytest.mark.parametrize(("title", "field", "expected"), [
    ("消防大队涌金门社区消防检查对接群", "units", ("消防大队",)),
    ("消防大队涌金门社区消防检查对接群", "locations", ("涌金门社区",)),
    ("湖滨街道综治办平安建设群", "units", ("综治办",)),
    ("镇海区市场监管局食品安全群", "units", ("市场监管局",)),
    ("镇海区市场监管局食品安全群", "locations", ("镇海区",)),
    ("湖滨街道消防工作群", "level", "street"),
    ("湖滨街道涌金门社区党建工作群", "level", "community"),
    ("杭州市上城区湖滨街道创建文明城市工作群", "locations", ("杭州市", "上城区", "湖滨街道")),
    ("杭州市上城区湖滨街道创建文明城市工作群", "function", "创建文明城市"),  # 城市 not a place
    ("上城区城管局通知群", "level", "district"),
    ("和平新村社区垃圾分类群", "locations", ("和平新村社区",)),
    ("西湖区文新街道德加社区居委会消防群", "locations", ("西湖区", "文新街道", "德加社区")),
    ("西湖区文新街道德加社区居委会消防群", "function", "消防"),
    ("老旧小区改造工作群", "locations", ()),  # a topic, not a place
    ("湖滨晴雨工作室", "function", "湖滨晴雨工作室"),  # 工作室 is not 工作
    ("西溪村防汛工作群", "level", "community"),
    ("社区书记工作群", "locations", ()),  # a bare suffix names no place
    ("社区书记工作群", "level", None),
    ("困难群众救助群", "function", "困难群众救助"),  # 群众 is not a group word
    ("涌金门社区消防工作2群", "function", "消防"),  # copy number
    ("涌金门社区消防群 v2", "function", "消防"),
    ("涌金门社区消防二群", "function", "消防"),
    ("涌金门社区退役军人服务站", "function", "退役军人服务站"),  # falls back to the unit
    ("涌金门社区工作群", "function", "涌金门社区"),  # falls back to cleaned minus generic
    ("工作群", "function", "工作群"),  # never empty while anything meaningful remains
    ("关于开展涌金门社区消防检查的通知群", "function", "消防检查的"),
])
def test_parse_title_fields(title, field, expected):
    assert getattr(parse_title(title), field) == expected


@pytest.mark.parametrize(("title", "periods"), [
    ("2026年3月湖滨街道迎检专班", ("2026-03",)),
    ("2026涌金门社区消防通知群", ("2026",)),
    ("2026年度消防台账群", ("2026",)),
    ("2026-03-05消防检查群", ("2026-03-05",)),
    ("2026.3消防检查群", ("2026-03",)),
    ("3月消防检查群", ("3月",)),
    ("十二月5日消防检查群", ("12月5日",)),
    ("第一季度消防台账群", ("第一季度",)),
    ("三季度消防台账群", ("第三季度",)),
    ("q2 消防台账群", ("第二季度",)),
    ("上半年消防台账群", ("上半年",)),
    ("春节消防安全检查群", ("春节",)),
    ("12345热线群", ()),  # long numbers are not years
    ("消防群", ()),
])
def test_periods(title, periods):
    parts = parse_title(title)
    assert parts.periods == periods
    for token in ("2026", "年", "季度"):
        assert token not in parts.function


@pytest.mark.parametrize(("title", "temporary"), [
    ("湖滨街道迎国检临时工作群", True),
    ("2026年3月湖滨街道迎检专班", True),
    ("湖滨街道防汛TEMP群", True),  # case-insensitive for Latin
    ("湖滨街道臨時工作群", True),  # Traditional pattern text
    ("湖滨街道消防工作群", False),
])
def test_temporary(title, temporary):
    assert parse_title(title).temporary is temporary
    assert looks_temporary(title) is temporary  # the lifecycle asks the same rule


def test_temporary_patterns_are_configurable():
    assert parse_title("湖滨街道防汛应急群", ["应急"]).temporary
    assert not parse_title("湖滨街道临时群", ()).temporary
    assert looks_temporary("湖滨街道防汛应急群", ["应急"])
    assert not looks_temporary("湖滨街道临时群", ())
    assert "临时" in DEFAULT_TEMPORARY_PATTERNS


def test_temporary_period_example():
    parts = parse_title("2026年3月湖滨街道迎检专班")
    assert any("2026" in p for p in parts.periods)
    assert any("3" in p for p in parts.periods)
    assert parts.locations == ("湖滨街道",)
    assert "专班" not in parts.function


@pytest.mark.parametrize(("raw", "expected"), [
    (None, ""),
    ("", ""),
    ("本群用于涌金门社区消防安全日常工作相关事宜等", "涌金门社区消防安全"),
    ("負責消防檢查", "消防检查"),
])
def test_normalise_purpose(raw, expected):
    assert normalise_purpose(raw) == expected


@pytest.mark.parametrize("name", [
    "王轩", "王轩-网格员", "涌金门社区-王轩", "王轩（涌金门社区）", "網格員王軒", "王轩@湖滨街道",
    "王轩|社区书记", "🌸王轩🌸", "王轩 网格员", "王轩书记", "涌金门社区王轩",
    "王轩_湖滨街道_网格长", "【网格员】王轩", "王 轩", "王轩：社区专干", "涌金门-网格员-王轩",
    "王轩13812345678", "王轩 Wang Xuan",
])
def test_member_key_strips_annotations(name):
    assert member_key(name) == "王轩"


@pytest.mark.parametrize(("name", "expected"), [
    ("John Smith", "john smith"),
    ("123456789", "123456789"),
    ("John Smith - 网格员", "john smith"),
    ("王书记", "王书记"),  # no full name to find: the cleaned whole string
    ("涌金门社区", "涌金门社区"),
    ("🌸", ""),
])
def test_member_key_fallbacks(name, expected):
    assert member_key(name) == expected


def test_lexicon_topics():
    lexicon = Lexicon.default()
    assert "文明创建" in lexicon.topics("创文迎检通知")
    assert lexicon.topics("湖滨街道涌金门社区党建工作群") == {"党建"}
    assert lexicon.topics("新冠疫苗接种点") == {"疫苗接种"}  # longest match wins
    assert lexicon.topics("") == frozenset()
    assert len(lexicon.names) >= 30
    assert lexicon.canonicalise("消防檢查、創文") == "消防安全、文明创建"


def test_lexicon_extra_synonyms_and_topics():
    lexicon = Lexicon.default({"消防安全": ["119"], "海塘安全": ["海塘", "堤防"], "禁毒": "拒毒"})
    assert lexicon.topics("119巡查") == {"消防安全"}
    assert lexicon.topics("钱塘江海塘巡查") == {"海塘安全"}
    assert lexicon.topics("拒毒行动") == {"禁毒"}
    assert "海塘安全" in lexicon.names
    assert "海塘安全" not in Lexicon.default().names  # the shipped default is untouched


def test_lexicon_from_mapping():
    lexicon = Lexicon({"甲": ["乙", "乙丙"], "丁": ["乙丙丁"]})
    assert lexicon.topics("乙丙丁") == {"丁"}
    assert lexicon.canonicalise("乙丙 乙") == "甲 甲"
    assert Lexicon({}).topics("任何") == frozenset()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_clean_text_is_idempotent(text):
    once = clean_text(text)
    assert clean_text(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_title_never_raises_and_function_comes_from_cleaned(text):
    parts = parse_title(text)
    assert set(parts.function) <= set(parts.cleaned)
    if any(c.isalnum() for c in parts.cleaned):
        assert parts.function


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_member_key_is_idempotent(text):
    key = member_key(text)
    assert member_key(key) == key
    if any(c.isalnum() for c in clean_text(text)):
        assert key


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("王轩网格员社区街道涌金门-|()@ 書記🌸群2026年3月消防临时工作"),
               max_size=20))
def test_properties_on_domain_alphabet(text):
    assert clean_text(clean_text(text)) == clean_text(text)
    assert set(parse_title(text).function) <= set(clean_text(text))
    assert member_key(member_key(text)) == member_key(text)
