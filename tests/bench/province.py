"""A second census generator, written apart from groupbot.demo: a province of counties,
townships and villages whose names recur everywhere, rural work vocabulary, 20–40% of groups
in duplicate clusters, member lists of 5–500.

Run: python -m tests.bench.province --groups 50000 --out province.csv
It streams the CSV, so a million groups (about 20 million member entries) fit in memory.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HEADER = ("platform", "chat_id", "title", "purpose", "owner", "members", "member_count",
          "last_active", "created", "expires")
COUNTIES = ["清溪", "石门", "白沙", "永和", "长乐", "安平", "凤山", "临江", "南岭", "云台",
            "平湖", "金溪", "龙泉", "桃源", "青石", "望江"]
TOWNS = ["城关镇", "新华乡", "东岳镇", "西河乡", "马桥镇", "黄土岭乡", "柳林镇", "双河镇",
         "高坪乡", "大石街道", "北门街道", "南湖街道"]
# Village and community names that every township seems to have one of.
VILLAGES = ["新村", "红旗村", "向阳村", "东风村", "胜利村", "光明村", "和平村", "团结村",
            "建设村", "幸福村", "前进村", "五星村", "河西村", "王庄村", "李家村", "张湾村",
            "中心社区", "滨河社区", "桥东社区", "花园社区"]
# Work topics with the other names people give them.
TOPICS = [("秸秆禁烧", "禁烧秸秆", "秸秆综合利用"), ("森林防火", "护林防火", "野外用火管理"),
          ("河长制", "河湖长制", "河道巡查"), ("反诈宣传", "防诈骗宣传", "反电诈"),
          ("医保缴费", "城乡居民医保", "医保征缴"), ("征兵", "兵役登记", "征兵宣传"),
          ("防汛抗旱", "防汛", "汛期值守"), ("禁毒宣传", "禁毒", "禁毒工作"),
          ("低保核查", "低保复核", "社会救助"), ("农房安全", "自建房排查", "危房改造"),
          ("矛盾调解", "矛盾纠纷排查", "人民调解"), ("志愿服务", "新时代文明实践", "志愿者"),
          ("退役军人服务", "退役军人", "双拥"), ("环境整治", "人居环境整治", "村容村貌"),
          ("安全生产", "安全生产检查", "安全隐患排查"), ("老龄工作", "敬老", "养老服务")]
STYLES = ["{town}{village}{topic}工作群", "【{topic}】{village}对接群", "{village}{topic}信息报送",
          "{county}{topic}专班（{town}）", "{town}{topic}{village}联络群", "{village}·{topic}"]
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁"
            "谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鑫斌宇浩凯健俊帆"
ROLES = ["网格员", "村支书", "驻村干部", "会计", "妇女主任", "联络员"]
PLATFORMS = (("wechat", 0.55), ("dingtalk", 0.25), ("qq", 0.08), ("telegram", 0.12))
CENSUS_DAY = date(2026, 11, 20)


@dataclass(frozen=True)
class Place:
    """A village of a township of a county."""

    county: str
    town: str
    village: str


class Province:
    """Deterministic groups for a seed: one base group, then its duplicates, in turn."""

    def __init__(self, groups: int, seed: int = 7, duplicate_share: float = 0.3):
        self.groups = groups
        self.rng = random.Random(seed)
        self.duplicate_share = duplicate_share
        self.seq = 0

    def rows(self):
        """Census rows (tuples in HEADER order)."""
        while self.seq < self.groups:
            yield from self._cluster()

    def _cluster(self):
        rng = self.rng
        place = Place(rng.choice(COUNTIES), rng.choice(TOWNS), rng.choice(VILLAGES))
        topic = rng.choice(TOPICS)
        staff = self._people(place, self._size())
        # Clusters of 2–4 hold about `duplicate_share` of all groups.
        p_cluster = self.duplicate_share / (3 - 2 * self.duplicate_share)
        size = rng.choice((2, 2, 3, 4)) if rng.random() < p_cluster else 1
        for copy in range(size):
            if self.seq >= self.groups:
                return
            members = staff if copy == 0 else self._overlap(staff, place)
            yield self._row(place, topic, members, copy)

    def _size(self) -> int:
        # Log-normal around 12 people, clipped to 5–500: most groups small, a few huge.
        return max(5, min(500, int(math.exp(self.rng.gauss(2.5, 0.9)))))

    def _people(self, place: Place, n: int) -> list[str]:
        rng = self.rng
        names = []
        for _ in range(n):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN)
                                                                if rng.random() < 0.6 else "")
            style = rng.random()
            if style < 0.15:
                name = f"{name}-{rng.choice(ROLES)}"
            elif style < 0.25:
                name = f"{place.village}-{name}"
            elif style < 0.3:
                name = f"{name}（{place.town}）"
            names.append(name)
        return names

    def _overlap(self, staff: list[str], place: Place) -> list[str]:
        """A duplicate's members: most of the original's, plus a few of its own."""
        rng = self.rng
        kept = [m for m in staff if rng.random() < rng.uniform(0.6, 0.9)] or staff[:2]
        return kept + self._people(place, rng.randint(0, max(1, len(staff) // 5)))

    def _row(self, place: Place, topic: tuple[str, ...], members: list[str], copy: int) -> tuple:
        rng = self.rng
        self.seq += 1
        platform = rng.choices([p for p, _ in PLATFORMS], [w for _, w in PLATFORMS])[0]
        chat_id = (f"-100{2_100_000_000 + self.seq}" if platform == "telegram"
                   else f"{platform[:2]}{self.seq:08d}")
        name = topic[min(copy, len(topic) - 1)] if rng.random() < 0.5 else topic[0]
        title = rng.choice(STYLES).format(county=place.county, town=place.town,
                                          village=place.village, topic=name)
        purpose = f"{name}相关通知和材料报送" if rng.random() < 0.6 else ""
        created = CENSUS_DAY - timedelta(days=rng.randint(30, 1500))
        quiet = rng.random() < 0.2
        last = CENSUS_DAY - timedelta(days=rng.randint(40, 400) if quiet else rng.randint(0, 20))
        expires = CENSUS_DAY + timedelta(days=rng.randint(-30, 90)) if rng.random() < 0.05 \
            else None
        return (platform, chat_id, title, purpose, members[0], ";".join(members),
                len(members) + rng.randint(0, 10), last.isoformat(), created.isoformat(),
                expires.isoformat() if expires else "")


def write_province(path: Path, groups: int, seed: int = 7) -> int:
    """Write the census CSV; returns the number of member entries."""
    entries = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for row in Province(groups, seed).rows():
            entries += row[5].count(";") + 1
            writer.writerow(row)
    return entries


def main(argv: list[str] | None = None) -> None:
    """Write a province census."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("province.csv"))
    args = parser.parse_args(argv)
    entries = write_province(args.out, args.groups, args.seed)
    print(f"{args.groups} groups, {entries} member entries → {args.out}")


if __name__ == "__main__":
    main()
