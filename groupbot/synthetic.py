"""Labelled synthetic census of a district's grassroots work groups (合并同类项 benchmark).

Models 区 → 街道/镇 → 社区/村: each community's staff sit in most of its work groups, streets run
their own groups for the same functions, and temporary 专班 come and go. On top of that it plants
true duplicate clusters (tagged by phenomenon) and hard negatives (tagged by kind). It is written
without looking at the matcher it evaluates, so the labels are independent of its heuristics.

Run: python -m groupbot.synthetic --groups 50000 [--seed 0] [--csv out.csv]
"""

from __future__ import annotations

import argparse
import csv
import gc
import itertools
import json
import resource
import time
import zlib
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np

PLATFORMS = ("wechat", "dingtalk", "qq", "telegram")
PLATFORM_P = np.array([0.58, 0.30, 0.05, 0.07])
PHENOMENA = ("decorated", "traditional", "recreated", "cross_department", "synonym",
             "annotated_names", "partial_visibility")
HARD_NEGATIVES = ("same_staff_diff_function", "same_function_diff_community",
                  "street_vs_community", "temporary_tasks")
MEMBER_SEPARATORS = (";", "；", "、")
CHAT_PREFIX = {"wechat": "wx", "dingtalk": "dd", "qq": "qq"}
CSV_HEADER = ("platform", "chat_id", "title", "purpose", "owner", "members", "member_count",
              "last_active", "created", "expires")

TODAY = date(2026, 10, 31)
EPOCH = date(2017, 1, 1)
T = (TODAY - EPOCH).days
# One shared date object per day: a million groups then cost no date allocations.
DAYS = tuple(EPOCH + timedelta(days=i) for i in range(T + 1))

# Kinds of base group, kept in the generator's side table (never exposed).
COMMUNITY, STREET, TEMPORARY, ZOMBIE, TINY = range(5)
DUP_SHARE = 0.10          # share of all groups that sit in a duplicate cluster
TRIPLE_SHARE = 0.15       # share of clusters with three groups instead of two

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

# Surname frequency (per mille ×10), roughly the national ranking; compound surnames are rare.
_SURNAMES = (
    "王710 李700 张680 刘540 陈450 杨310 黄220 赵220 吴200 周190 徐160 孙150 马140 朱130 胡130 "
    "郭120 何120 高110 林110 罗90 郑90 梁90 谢80 宋70 唐70 许60 韩60 冯60 邓60 曹50 彭50 曾50 "
    "肖50 田50 董50 袁40 潘40 于40 蒋40 蔡40 余40 杜40 叶40 程40 苏30 魏30 吕30 丁30 任30 沈30 "
    "姚30 卢30 姜30 崔30 钟30 谭30 陆30 汪30 范30 金30 石30 廖20 贾20 夏20 韦20 付20 方20 白20 "
    "邹20 孟20 熊20 秦20 邱20 江20 尹20 薛20 闫20 段20 雷20 侯20 龙20 史20 陶20 黎20 贺20 顾20 "
    "毛20 郝20 龚20 邵20 万20 钱20 严20 覃10 武10 戴10 莫10 孔10 向10 汤10 楼10 俞10 章10 应10 "
    "骆10 欧阳2 司马1 诸葛1 上官1"
)
SURNAMES = tuple(item.rstrip("0123456789") for item in _SURNAMES.split())
SURNAME_P = np.array([int(item.lstrip(s)) for item, s in zip(_SURNAMES.split(), SURNAMES,
                                                              strict=True)], dtype=float)
SURNAME_P /= SURNAME_P.sum()
GIVEN = tuple(dict.fromkeys(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红玲萍辉斌婷丹宇鹏浩凯晨轩宁鑫佳欣怡"
    "琳雪梅兰云飞波峰亮健俊帆志海林文玉春晓燕慧颖琴荣松新民永晶璐倩悦嘉博涵梓睿诗雨思晴航振卫"
    "东立德成宏琪瑶薇蕾鸿骏铭晖彬冬庆丰顺利福贵祥兴亚双银珍凤翠爱月雅莉蓉霖泽昊昕彤妍乐阳伦进"
    "卓远长忠良清洁虹岚琦璇晗宸瑞钰婧露君秋"))

DISTRICT = "上城区"
STREET_NAMES = (
    "湖滨", "清波", "小营", "望江", "南星", "紫阳", "凯旋", "闸弄口", "彭埠", "笕桥", "丁兰",
    "九堡", "四季青", "文晖", "朝晖", "潮鸣", "长庆", "石桥", "东新", "蒋村", "翠苑", "古荡",
    "西溪", "北山", "灵隐", "转塘", "留下", "三墩", "祥符", "半山", "拱宸桥", "和睦", "米市巷",
    "康桥", "上塘", "大关", "湖墅", "小河", "宝塔")
COMMUNITY_NAMES = (
    "涌金门", "东坡", "岳王", "吴山", "劳动路", "清波门", "柳翠井巷", "定安", "青年路", "东平巷",
    "长明寺巷", "大学路", "紫花埠", "贾家弄", "孝丰", "新华坊", "打铁关", "潮鸣寺巷", "红石板",
    "湖墅新村", "南星桥", "望江门", "近江", "凯旋", "景芳", "复兴", "水澄桥", "候潮门", "钱江苑",
    "金家渡", "北景园", "杨家牌楼", "大塘新村", "朝晖一区", "德胜新村", "香积寺", "和平", "文苑")
PLACE_HEAD = ("东西南北新长清湖江金银凤龙桂梅兰竹松云霞平安宁和兴华春秋望临丰福永康泰瑞祥德文明"
              "紫青红白石古柳桃荷枫")
PLACE_TAIL = "湖江桥山塘港浦门坊溪湾园林坪岭洲埠堡营阳城庄店关墅滨苑亭泾渡"


class Fn(NamedTuple):
    """A work-group function: how it is named, described and staffed."""

    names: tuple[str, ...]        # canonical phrase first, then synonyms people use
    purposes: tuple[str, ...]     # differently worded purpose sentences
    units: tuple[str, ...]        # issuing units that create 对接群 for it
    tasks: tuple[str, ...]        # how an issuing unit names the same work
    outsiders: tuple[int, int]    # residents / volunteers / unit staff beyond the staff
    staff_p: float                # chance that any one staff member sits in the group
    weight: float                 # chance a community has such a group
    street: bool = True           # streets run a group for it too
    grid: bool = False            # grid workers (网格员) are on this line


FUNCTIONS: tuple[Fn, ...] = (
    Fn(("消防安全", "消防", "防火安全", "消防检查"),
       ("消防台账报送", "消防检查资料上报", "九小场所消防隐患排查整改", "电动自行车充电隐患排查",
        "消防安全检查通知与隐患闭环"),
       ("消防救援大队", "消防大队", "消防救援站", "区消防救援大队"),
       ("消防检查", "消防隐患整改", "消防安全检查"), (1, 8), 0.90, 0.90, True, True),
    Fn(("党建", "党建工作", "党群", "支部工作"),
       ("党员学习教育通知", "三会一课安排与台账", "党费收缴与组织生活记录", "主题党日活动通知",
        "在职党员报到服务"),
       ("区委组织部", "街道党工委", "党群服务中心"),
       ("党建联建", "组织生活", "党建共建"), (8, 40), 0.85, 0.95),
    Fn(("垃圾分类", "垃分", "生活垃圾分类", "垃圾分类督导"),
       ("垃圾分类督导排班", "垃圾分类检查通报", "桶边督导照片上报", "垃圾分类积分兑换",
        "清洁直运问题反馈"),
       ("区城管局", "环卫所", "区分类办", "城管中队"),
       ("垃圾分类督导", "分类检查", "垃圾分类考核"), (5, 30), 0.80, 0.80, True, True),
    Fn(("疫情防控", "防疫", "新冠防控", "疫防"),
       ("疫苗接种统计", "重点人员排查上报", "核酸检测安排", "发热病人追踪", "健康码异常人员核查"),
       ("区疾控中心", "卫健局", "社区卫生服务中心"),
       ("疫情防控", "防疫对接", "流调协查"), (0, 4), 0.93, 0.55, True, True),
    Fn(("文明创建", "创文", "文明城市创建", "创城"),
       ("创文点位整改", "文明城市测评迎检", "创建台账报送", "文明劝导志愿排班", "创文问题清单销号"),
       ("区文明办", "创建办", "区创城办"),
       ("创文督查", "文明创建测评", "点位整改"), (0, 10), 0.88, 0.70),
    Fn(("网格管理", "网格员", "网格化管理", "全科网格", "网格"),
       ("网格走访日志上报", "网格事件流转处置", "网格员日常巡查", "四平台事件上报",
        "网格基础信息采集"),
       ("区社会治理中心", "基层治理四平台", "网格中心"),
       ("网格事件", "网格巡查", "网格信息"), (0, 3), 0.95, 0.90, True, True),
    Fn(("安全生产", "安监", "安全检查", "安全隐患排查"),
       ("企业安全检查台账", "安全隐患排查整改", "有限空间作业检查", "燃气安全检查上报",
        "安全生产月活动"),
       ("应急管理局", "安监站", "应急管理站"),
       ("安全检查", "隐患整改", "燃气安全检查"), (0, 6), 0.90, 0.70, True, True),
    Fn(("防汛防台", "防汛", "三防", "防台防汛"),
       ("汛期值班安排", "台风天巡查与人员转移", "积水点位上报", "防汛物资清点",
        "地质灾害隐患点巡查"),
       ("区防指办", "水利局", "应急管理局"),
       ("防汛", "防台转移", "积水点巡查"), (0, 3), 0.93, 0.60, True, True),
    Fn(("信访维稳", "信访", "维稳", "矛盾调解"),
       ("信访件办理进度", "重点人员稳控", "矛盾纠纷排查调处", "敏感节点维稳值守"),
       ("信访局", "政法委", "信访办"),
       ("信访件办理", "维稳", "矛盾调处"), (0, 3), 0.85, 0.55),
    Fn(("民政低保", "低保", "社会救助", "民政救助"),
       ("低保户走访核查", "救助申请审核", "困难家庭动态管理", "临时救助材料上报"),
       ("民政局", "社会救助中心", "区民政局"),
       ("低保核查", "社会救助", "救助对接"), (0, 4), 0.80, 0.65),
    Fn(("禁毒", "禁毒工作", "禁毒社工", "禁毒宣传"),
       ("吸毒人员管控", "禁毒宣传活动", "社区戒毒康复人员帮扶", "627禁毒宣传日活动"),
       ("禁毒办", "公安分局", "派出所"),
       ("禁毒", "戒毒康复", "禁毒宣传"), (0, 4), 0.75, 0.45),
    Fn(("反诈", "反电诈", "防诈骗", "反诈宣传"),
       ("国家反诈中心APP推广", "涉诈预警劝阻", "反诈宣传进小区", "反诈见面劝阻反馈"),
       ("派出所", "反诈中心", "公安分局"),
       ("反诈劝阻", "反诈宣传", "预警劝阻"), (0, 8), 0.85, 0.60, True, True),
    Fn(("养老服务", "居家养老", "为老服务", "助老"),
       ("老年食堂助餐", "高龄津贴发放", "独居老人探访", "居家养老服务站排班"),
       ("民政局", "养老服务中心", "区养老指导中心"),
       ("助餐", "居家养老", "适老化改造"), (3, 15), 0.75, 0.60),
    Fn(("退役军人服务", "退役军人", "双拥", "优抚"),
       ("退役军人信息采集", "优抚对象走访慰问", "光荣牌悬挂", "八一慰问活动"),
       ("退役军人事务局", "退役军人服务中心"),
       ("优抚", "退役军人服务", "双拥"), (2, 12), 0.70, 0.50),
    Fn(("环境整治", "人居环境", "环境卫生", "美丽家园"),
       ("环境卫生死角整治", "楼道堆物清理", "小区环境巡查", "背街小巷整治"),
       ("城管局", "环卫所", "生态环境分局"),
       ("环境整治", "卫生整治", "堆物清理"), (2, 12), 0.85, 0.60),
    Fn(("食品安全", "食安", "食品药品安全", "食品安全监管"),
       ("餐饮店食品安全检查", "小作坊巡查", "食品安全宣传周", "校园周边食品检查"),
       ("市场监管局", "市场监管所"),
       ("食品检查", "食安巡查"), (2, 15), 0.70, 0.40),
    Fn(("城市管理", "城管", "城管执法", "市容秩序"),
       ("占道经营劝导", "违建巡查上报", "共享单车停放整治", "户外广告清理"),
       ("城管局", "城管中队", "综合行政执法队"),
       ("违建巡查", "市容整治", "执法协作"), (0, 6), 0.85, 0.45),
    Fn(("综治", "平安建设", "社会治安综合治理", "平安创建"),
       ("平安建设宣传", "治安隐患排查", "综治中心值班", "平安指数问题整改"),
       ("综治中心", "政法委", "派出所"),
       ("平安建设", "治安巡防", "综治"), (0, 5), 0.90, 0.55),
    Fn(("志愿服务", "志愿者", "义工", "志愿"),
       ("志愿活动报名", "志愿时长登记", "新时代文明实践活动", "邻里互助志愿排班"),
       ("团区委", "志愿者协会", "新时代文明实践中心"),
       ("志愿服务", "文明实践", "志愿对接"), (10, 50), 0.65, 0.70),
    Fn(("统计", "统计工作", "数据报送", "统计调查"),
       ("月度统计报表报送", "人口普查资料", "经济普查入户登记", "统计数据核对"),
       ("统计局", "统计站"),
       ("统计调查", "普查", "数据核对"), (0, 2), 0.80, 0.40),
    Fn(("妇联", "妇女工作", "巾帼", "妇儿工作"),
       ("三八节活动", "妇女儿童维权", "家庭教育讲座", "最美家庭评选"),
       ("区妇联", "街道妇联"),
       ("妇女儿童", "家庭教育", "妇联共建"), (3, 20), 0.60, 0.40),
    Fn(("残疾人服务", "残联", "助残", "残疾人工作"),
       ("残疾人证办理", "助残服务走访", "辅具申领", "残疾人就业帮扶"),
       ("区残联", "残疾人康复中心"),
       ("助残", "辅具适配", "残疾人服务"), (2, 10), 0.70, 0.40),
    Fn(("社保医保", "医保", "社保", "人社服务"),
       ("城乡居民医保参保缴费", "养老保险认证", "就业登记", "医保政策宣传"),
       ("人社局", "医保局", "社保中心"),
       ("医保参保", "社保认证", "就业服务"), (0, 6), 0.75, 0.45),
    Fn(("物业管理", "小区物业", "业委会", "物业服务"),
       ("物业问题协调", "业委会选举", "小区停车管理", "物业费催缴协调"),
       ("住建局", "房管局", "物业管理科"),
       ("物业协调", "业委会指导", "物业服务"), (3, 15), 0.60, 0.50),
    Fn(("流动人口", "出租房管理", "新居民", "出租屋"),
       ("出租房屋信息登记", "流动人口信息采集", "出租房消防检查", "居住证办理"),
       ("派出所", "流管站", "新居民服务中心"),
       ("出租房检查", "流动人口登记", "居住证"), (0, 6), 0.85, 0.40, True, True),
    Fn(("老旧小区改造", "旧改", "小区改造", "老旧小区综合改造"),
       ("旧改意见征集", "加装电梯协调", "施工进度通报", "改造方案公示"),
       ("住建局", "旧改办", "城投公司"),
       ("旧改", "加装电梯", "改造协调"), (3, 20), 0.70, 0.30),
    Fn(("两委班子", "班子", "两委"),
       ("班子会议通知", "重大事项议事", "两委工作分工"),
       (), (), (0, 1), 0.97, 0.60, False),
    Fn(("全体社工", "工作人员", "社工"),
       ("日常工作通知", "考勤与值班安排", "社区工作人员通知"),
       (), (), (0, 0), 0.97, 0.60, False),
    Fn(("楼道长", "楼组长", "楼道长工作"),
       ("楼道长工作通知", "楼道信息收集", "楼道长例会通知"),
       (), (), (15, 40), 0.50, 0.55, False),
)
# Functions only tiny or zombie groups get: never the function of another group in the community.
TINY_FNS = (
    Fn(("书记主任碰头", "碰头"), ("急事碰头",), (), (), (0, 0), 1.0, 0.0, False),
    Fn(("值班", "值守"), ("节假日值班",), (), (), (0, 0), 1.0, 0.0, False),
)
ALL_FNS = FUNCTIONS + TINY_FNS
NF = len(FUNCTIONS)
FN_INDEX = {fn.names[0]: i for i, fn in enumerate(ALL_FNS)}
FN_STAFF_P = np.array([fn.staff_p for fn in FUNCTIONS])
FN_LO = np.array([fn.outsiders[0] for fn in FUNCTIONS])
FN_HI = np.array([fn.outsiders[1] for fn in FUNCTIONS])
FN_WEIGHT = np.array([fn.weight for fn in FUNCTIONS])
STREET_FNS = np.array([i for i, fn in enumerate(FUNCTIONS) if fn.street])
LEADER_FN = FN_INDEX["两委班子"]

GENERIC = ("工作群", "群", "通知群", "交流群", "台账报送群", "联络群", "专班", "对接群",
           "工作交流群", "信息报送群", "业务群", "工作组")
GENERIC_P = np.array([30, 12, 10, 8, 5, 6, 4, 4, 6, 5, 4, 3], dtype=float)
GENERIC_P /= GENERIC_P.sum()
GENERIC_CDF = np.cumsum(GENERIC_P)
PLATFORM_CDF = np.cumsum(PLATFORM_P)
N_NAMES = np.array([len(fn.names) for fn in FUNCTIONS])
STREET_LOC_CDF = np.cumsum([0.80, 0.12, 0.08])
UNIT_GENERIC = ("对接群", "联络群", "工作群", "专班", "对接工作群")

# Community staff roles; the first five form the 两委班子.
ROLES = ("书记", "主任", "副书记", "副主任", "委员", "网格员", "社工", "民政专干", "党建专干",
         "安全员", "综治专干", "城管专干", "统计员", "卫计专干", "社保专干", "退役军人专干",
         "物业专干", "宣传专干", "禁毒社工", "残协专职委员")
N_LEADER_ROLES = 5
GRID_ROLE, SOCIAL_ROLE = 5, 6
ROLE_LINES = {
    "民政专干": ("民政低保", "养老服务", "残疾人服务"), "党建专干": ("党建", "志愿服务"),
    "安全员": ("消防安全", "安全生产", "防汛防台"),
    "综治专干": ("综治", "信访维稳", "禁毒", "反诈", "流动人口"),
    "城管专干": ("城市管理", "环境整治", "垃圾分类"), "统计员": ("统计",),
    "卫计专干": ("疫情防控", "妇联"), "社保专干": ("社保医保",), "退役军人专干": ("退役军人服务",),
    "物业专干": ("物业管理", "老旧小区改造"), "宣传专干": ("文明创建",), "禁毒社工": ("禁毒",),
    "残协专职委员": ("残疾人服务",),
    "网格员": tuple(fn.names[0] for fn in FUNCTIONS if fn.grid),
}
# RESPONSIBLE[role, fn]: the role carries that function's line (条线) in its community.
RESPONSIBLE = np.zeros((len(ROLES), NF), dtype=bool)
for _role, _lines in ROLE_LINES.items():
    for _line in _lines:
        RESPONSIBLE[ROLES.index(_role), FN_INDEX[_line]] = True
SPECIALIST_ROLES = np.arange(7, len(ROLES))
STREET_ROLES = ("党工委书记", "办事处主任", "分管副主任", "分管副主任", "科员", "包联干部")
RESIDENT_ROLES = ("居民", "志愿者", "楼道长", "党员", "商户", "物业", "企业负责人", "居民代表")

TEMP_TASKS = ("迎国检临时工作群", "亚运保障专班", "人口普查工作群", "经济普查专班",
              "创文迎检攻坚群", "征迁攻坚专班", "疫苗接种攻坚专班", "安全生产百日攻坚专班",
              "世界互联网大会保障专班")
# Recurring tasks and the month they come round in (0: any month).
PERIODIC_TASKS = (("迎检专班", 0), ("两会安保专班", 2), ("春节走访慰问临时群", 1),
                  ("国庆安保专班", 9), ("大走访大排查专班", 0), ("马拉松保障专班", 11),
                  ("中考护考专班", 6), ("防汛值守专班", 6))

DECOR_PREFIX = ("【重要】", "✨", "🔥", "★", "【通知】", "☆", "❗", "[重要]", "🔴", "【置顶】")
DECOR_SUFFIX = ("✨", "🔥", "★", "【勿删】", "(重要)", "❤", "🚩", "～")
RECREATED_MARKS = ("(新)", "（新）", "2群", "新群", "二群", "YEAR", "YEAR版", "(YEAR)")
# Display-name annotations seen in real groups; n=name r=role cs/cf=community short/full s=street.
ANNOTATIONS = ("{n}-{r}", "{cf}-{n}", "{n}（{cf}）", "{r}{n}", "{n}@{s}", "{cs}-{n}", "{n}({cs})",
               "{n}_{r}")

# Simplified → Traditional for every character this vocabulary uses (checked against OpenCC,
# keeping the Taiwan/Hong Kong forms 群 為 核 and the surnames 于 余 范 岳 as they are).
_S2T = (
    "东東长長银銀凤鳳龙龍兰蘭云雲宁寧兴興华華临臨丰豐红紅杨楊桥橋门門湾灣园園岭嶺营營阳陽庄莊关關"
    "滨濱泾涇涌湧吴吳劳勞动動学學贾賈铁鐵鸣鳴凯凱闸閘笕筧晖暉庆慶蒋蔣荡蕩灵靈隐隱转轉宝寶区區台臺"
    "账賬报報联聯络絡专專对對党黨类類创創网網员員产產访訪维維稳穩诈詐养養务務军軍环環综綜愿願统統"
    "计計妇婦残殘医醫业業旧舊两兩楼樓义義头頭书書记記组組检檢导導监監调調会會传傳电電骗騙为為双雙"
    "拥擁优優抚撫卫衛丽麗药藥执執设設据據数數帼幗儿兒体體长長队隊织織办辦层層应應态態场場协協时時"
    "实實践踐复復负負责責户戶职職处處边邊积積违違劝勸预預适適辅輔认認证證装裝气氣测測评評点點"
    "伟偉静靜强強艳豔杰傑涛濤刚剛国國辉輝鹏鵬轩軒飞飛晓曉颖穎荣榮诗詩东東鸿鴻骏駿铭銘顺順贵貴亚亞"
    "爱愛泽澤乐樂伦倫进進远遠洁潔岚嵐钰鈺张張刘劉陈陳黄黃赵趙孙孫马馬罗羅郑鄭谢謝许許韩韓冯馮邓鄧"
    "苏蘇吕呂卢盧钟鍾谭譚陆陸韦韋邹鄒闫閆贺賀顾顧龚龔万萬钱錢严嚴汤湯骆駱欧歐诸諸叶葉干幹"
    "坚堅运運经經济濟节節问問征徵迁遷种種删刪册冊单單参參团團胜勝镇鎮悦悅瑶瑤枫楓"
)
S2T_TABLE = str.maketrans(dict(zip(_S2T[::2], _S2T[1::2], strict=True)))
S2T_PHRASES = (("防台", "防颱"), ("台风", "颱風"))
FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)} | {" ": "\u3000"})


def to_traditional(text: str) -> str:
    """Traditional-character rendering of a title or name from this vocabulary."""
    for simplified, traditional in S2T_PHRASES:
        text = text.replace(simplified, traditional)
    return text.translate(S2T_TABLE)


# ---------------------------------------------------------------------------------------------
# Public record
# ---------------------------------------------------------------------------------------------

@dataclass(slots=True)
class CensusGroup:
    """One work group as a census export lists it, with its ground-truth labels."""

    # tags: what the group itself shows (decorated, traditional, annotated_names,
    # partial_visibility, zombie, tiny), "duplicate" plus the pair-level phenomena (recreated,
    # cross_department, synonym, cross_platform) of clusters it is in, and the hard-negative tags
    # of planted pairs it is in. Per-pair phenomena: pairs_by_phenomenon().
    platform: str
    chat_id: str
    title: str
    purpose: str
    owner: str
    members: list[str]
    member_count: int
    last_active: date
    created: date
    expires: date | None
    cluster: int
    tags: tuple[str, ...]
    # Ground truth the matcher must not see: person identity of members[i] (same person, same
    # id, whatever the display name), this group's own phenomena, planted negative partners.
    _person_ids: np.ndarray | None = field(default=None, repr=False, compare=False)
    _own: tuple[str, ...] = field(default=(), repr=False, compare=False)
    _negatives: tuple[tuple[str, CensusGroup], ...] = field(default=(), repr=False,
                                                            compare=False)


def person_ids(group: CensusGroup) -> frozenset[int]:
    """The identities of the listed members (annotated or Traditional names included)."""
    return frozenset(group._person_ids.tolist())


def true_pairs(groups: list[CensusGroup]) -> set[frozenset[str]]:
    """Every chat_id pair inside each duplicate cluster."""
    clusters: dict[int, list[str]] = defaultdict(list)
    for g in groups:
        clusters[g.cluster].append(g.chat_id)
    return {frozenset(p) for ids in clusters.values() if len(ids) > 1
            for p in itertools.combinations(ids, 2)}


def hard_negative_pairs(groups: list[CensusGroup]) -> dict[str, set[frozenset[str]]]:
    """Planted pairs that must not be merged, by hard-negative tag (both groups present)."""
    present = {id(g) for g in groups}
    out: dict[str, set[frozenset[str]]] = {tag: set() for tag in HARD_NEGATIVES}
    for g in groups:
        for tag, other in g._negatives:
            if id(other) in present:
                out[tag].add(frozenset((g.chat_id, other.chat_id)))
    return out


def pairs_by_phenomenon(groups: list[CensusGroup]) -> dict[str, set[frozenset[str]]]:
    """True pairs by the phenomena that separate their two groups (for per-phenomenon recall)."""
    clusters: dict[int, list[CensusGroup]] = defaultdict(list)
    for g in groups:
        clusters[g.cluster].append(g)
    out: dict[str, set[frozenset[str]]] = defaultdict(set)
    for members in clusters.values():
        for a, b in itertools.combinations(members, 2):
            for tag in set(a._own) | set(b._own):
                out[tag].add(frozenset((a.chat_id, b.chat_id)))
    return dict(out)


def member_separator(chat_id: str) -> str:
    """The separator the CSV uses for this row: ';' mostly, '；' or '、' for about 10%."""
    bucket = zlib.crc32(chat_id.encode()) % 20
    return MEMBER_SEPARATORS[bucket + 1] if bucket < 2 else MEMBER_SEPARATORS[0]


def write_census_csv(groups: list[CensusGroup], path, encoding: str = "utf-8-sig") -> None:
    """Write the census export (no labels) as CSV in the given encoding."""
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_HEADER)
        for g in groups:
            writer.writerow((g.platform, g.chat_id, g.title, g.purpose, g.owner,
                             member_separator(g.chat_id).join(g.members), g.member_count,
                             g.last_active.isoformat(), g.created.isoformat(),
                             g.expires.isoformat() if g.expires else ""))


# ---------------------------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------------------------

@dataclass(slots=True, eq=False)
class _Street:
    """A 街道 or 镇 with its cadres and the units' officers who serve it."""

    idx: int
    name: str
    short: str
    village: bool
    staff: np.ndarray
    reserve: np.ndarray                  # officers of issuing units, handed out per unit
    planned: int                         # communities it will get
    fns: np.ndarray                      # functions it runs street-level groups for
    defaults: dict[int, tuple[int, int]]  # fn -> (phrase, generic) the street told everyone to use
    communities: list[_Community] = field(default_factory=list)
    units: dict[str, np.ndarray] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)  # names in use; emptied when the street closes


@dataclass(slots=True, eq=False)
class _Community:
    """A 社区 or 村: staff, a pool of residents/volunteers and its groups by function."""

    idx: int
    street: _Street
    name: str
    short: str
    staff: np.ndarray
    staff_roles: np.ndarray
    pool: np.ndarray
    liaison: np.ndarray
    platform: int
    loc_style: int
    groups: dict[int, int] = field(default_factory=dict)  # fn -> base group index


class _District:
    """Builds one district's census; all randomness comes from one seeded generator."""

    def __init__(self, n_groups: int, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.n = max(int(n_groups), 1)
        self.names: list[str] = []
        self.roles: list[str] = []
        self.home = array("i")            # community idx, or -1 - street idx for street staff
        self.homes: list[tuple[str, str, str]] = []   # community idx -> (short, full, street)
        self.street_homes: list[tuple[str, str, str]] = []
        self.tg_ids: dict[int, str] = {}
        self.groups: list[CensusGroup] = []
        # Side table per base group: kind, home, fn, phrase, loc style, generic word.
        self.meta: list[tuple[int, int, int, int, int, int]] = []
        self.streets: list[_Street] = []
        self.communities: list[_Community] = []
        self.negatives: list[tuple[str, int, int]] = []
        self.tag_cache: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.street_names: set[str] = set()

    # -- people ---------------------------------------------------------------------------

    def draw_names(self, k: int, taken: set[str]) -> list[str]:
        """k realistic names, unique within the street (`taken`)."""
        out: list[str] = []
        rng = self.rng
        while len(out) < k:
            m = k - len(out) + 8
            sur = rng.choice(len(SURNAMES), m, p=SURNAME_P).tolist()
            g1 = rng.integers(len(GIVEN), size=m).tolist()
            g2 = rng.integers(len(GIVEN), size=m).tolist()
            two = (rng.random(m) < 0.68).tolist()
            for s, a, b, t in zip(sur, g1, g2, two, strict=True):
                surname = SURNAMES[s]
                name = surname + GIVEN[a] + (GIVEN[b] if t and len(surname) == 1 else "")
                if name not in taken:
                    taken.add(name)
                    out.append(name)
                    if len(out) == k:
                        break
        return out

    def add_people(self, names: list[str], roles, home: int) -> np.ndarray:
        """Register people (one shared str per person) and return their ids."""
        start = len(self.names)
        self.names.extend(names)
        self.roles.extend(roles)
        self.home.extend([home] * len(names))
        return np.arange(start, len(self.names), dtype=np.int32)

    def tg_id(self, pid: int) -> str:
        """The person's Telegram user id as a string, created once."""
        s = self.tg_ids.get(pid)
        if s is None:
            # Multiplying by a prime coprime with the modulus keeps the ids unique.
            s = str(1_000_000_000 + (pid * 1_000_003) % 7_000_000_000)
            self.tg_ids[pid] = s
        return s

    # -- places ---------------------------------------------------------------------------

    def street_name(self) -> tuple[str, bool]:
        """A fresh street (or town) short name and whether it is a town of villages."""
        k = len(self.streets)
        if k < len(STREET_NAMES) and self.rng.random() < 0.9:
            name = STREET_NAMES[k]
        else:
            name = self.place_name(2 + int(self.rng.random() < 0.3))
        while name in self.street_names:
            name = self.place_name(3)
        self.street_names.add(name)
        return name, k >= 6 and self.rng.random() < 0.25

    def place_name(self, length: int) -> str:
        """A plausible place name such as 金桥 or 凤岭湾."""
        rng = self.rng
        head = "".join(PLACE_HEAD[i] for i in rng.integers(len(PLACE_HEAD), size=length - 1))
        return head + PLACE_TAIL[rng.integers(len(PLACE_TAIL))]

    def new_street(self) -> _Street:
        """Open a street: cadres, unit officers, its street-level functions and naming rules."""
        rng = self.rng
        short, village = self.street_name()
        name = short + ("镇" if village else "街道")
        idx = len(self.streets)
        self.street_homes.append((short, name, name))
        taken: set[str] = set()
        n_staff = int(rng.integers(8, 21))
        roles = [STREET_ROLES[min(i, 5)] if i < 4 else STREET_ROLES[4 + (i % 2)]
                 for i in range(n_staff)]
        staff = self.add_people(self.draw_names(n_staff, taken), roles, -1 - idx)
        reserve = self.add_people(self.draw_names(40, taken), ["单位"] * 40, -1 - idx)
        fns = np.sort(rng.choice(STREET_FNS, int(rng.integers(8, 15)), replace=False,
                                 p=FN_WEIGHT[STREET_FNS] / FN_WEIGHT[STREET_FNS].sum()))
        phrases = self.phrases(np.arange(NF), 0.75).tolist()
        gens = draw(GENERIC_CDF, rng.random(NF)).tolist()
        defaults = dict(enumerate(zip(phrases, gens, strict=True)))
        street = _Street(idx, name, short, village, staff, reserve, int(rng.integers(8, 16)), fns,
                         defaults, taken=taken)
        self.streets.append(street)
        return street

    def phrases(self, fns: np.ndarray, canonical_p: float) -> np.ndarray:
        """Indices into each function's names: canonical with canonical_p, else a synonym."""
        u = self.rng.random(len(fns))
        synonym = 1 + ((u - canonical_p) / (1 - canonical_p) * (N_NAMES[fns] - 1)).astype(int)
        return np.where(u < canonical_p, 0, synonym)

    def community_name(self, street: _Street) -> tuple[str, str]:
        """(full, short) community or village name, unique within its street."""
        used = {c.short for c in street.communities}
        rng = self.rng
        while True:
            if not street.village and rng.random() < 0.3:
                short = COMMUNITY_NAMES[rng.integers(len(COMMUNITY_NAMES))]
            else:
                short = self.place_name(2 + int(rng.random() < 0.2))
                if not street.village and rng.random() < 0.1:
                    short += "新村"
            if short not in used:
                return short + ("村" if street.village else "社区"), short

    def staff_roles(self) -> np.ndarray:
        """Role indices of a community's 8–25 staff: leaders, specialists, grid workers."""
        rng = self.rng
        leaders = [0, 1, *rng.choice([2, 3, 3, 4, 4], int(rng.integers(1, 4)), replace=False)]
        specialists = rng.choice(SPECIALIST_ROLES, int(rng.integers(3, 9)), replace=False)
        roles = np.concatenate((leaders, specialists, [GRID_ROLE] * int(rng.integers(2, 11)),
                                [SOCIAL_ROLE] * int(rng.integers(0, 5))))
        return roles[:25].astype(np.int8)

    def new_community(self, street: _Street) -> _Community:
        """A community with its staff, resident pool and 包联 street cadres."""
        rng = self.rng
        full, short = self.community_name(street)
        idx = len(self.communities)
        self.homes.append((short, full, street.name))
        roles = self.staff_roles()
        names = self.draw_names(len(roles) + int(rng.integers(25, 71)), street.taken)
        role_names = [ROLES[r] for r in roles.tolist()]
        staff = self.add_people(names[:len(roles)], role_names, idx)
        pool_roles = [RESIDENT_ROLES[i] for i in
                      rng.integers(len(RESIDENT_ROLES), size=len(names) - len(roles)).tolist()]
        pool = self.add_people(names[len(roles):], pool_roles, idx)
        liaison = rng.choice(street.staff[4:], int(rng.integers(1, 3)), replace=False)
        platform = int(rng.choice(4, p=PLATFORM_P))
        loc_style = int(rng.choice(5, p=[0.30, 0.45, 0.12, 0.08, 0.05]))
        comm = _Community(idx, street, full, short, staff, roles, pool, liaison.astype(np.int32),
                          platform, loc_style)
        street.communities.append(comm)
        self.communities.append(comm)
        return comm

    # -- titles ---------------------------------------------------------------------------

    def community_loc(self, comm: _Community, style: int) -> str:
        """Location prefix of a community group title in the given style."""
        if style == 0:
            return comm.street.name + comm.name
        if style == 1:
            return comm.name
        if style == 2:
            return comm.short
        if style == 3:
            return ""
        return comm.street.short + comm.name

    def street_loc(self, street: _Street, style: int) -> str:
        """Location prefix of a street-level title in the given style."""
        if style == 1:
            return DISTRICT + street.name
        if style == 2:
            return street.short
        return street.name

    def title_parts(self, kind: int, home: int, fn: int, phrase: int, loc: int,
                    gen: int) -> list[str]:
        """[location, function phrase, generic word] of a title."""
        if kind == STREET:
            place = self.street_loc(self.streets[home], loc)
        else:
            place = self.community_loc(self.communities[home], loc)
        generic = "群" if fn >= NF - 3 and gen not in (1, 3) else GENERIC[gen]
        return [place, ALL_FNS[fn].names[phrase], generic]

    # -- groups ---------------------------------------------------------------------------

    def display(self, pids: np.ndarray, ids: bool) -> list[str]:
        """Member display names: the shared name strings, or Telegram ids."""
        if ids:
            return [self.tg_id(p) for p in pids.tolist()]
        names = self.names
        return [names[p] for p in pids.tolist()]

    def annotate(self, pids: np.ndarray) -> list[str]:
        """Display names with annotations (role, community, street), one house style per group."""
        rng = self.rng
        main = int(rng.integers(len(ANNOTATIONS)))
        draws = rng.random(len(pids)).tolist()
        other = rng.integers(len(ANNOTATIONS), size=len(pids)).tolist()
        out = []
        for p, u, o in zip(pids.tolist(), draws, other, strict=True):
            name = self.names[p]
            if u < 0.12:
                out.append(name)
                continue
            h = self.home[p]
            cs, cf, s = self.homes[h] if h >= 0 else self.street_homes[-1 - h]
            style = ANNOTATIONS[main if u < 0.85 else o]
            out.append(style.format(n=name, r=self.roles[p], cs=cs, cf=cf, s=s))
        return out

    def tags(self, *tags: str) -> tuple[str, ...]:
        """A shared tuple for this tag combination (a million groups share a few dozen)."""
        key = tuple(dict.fromkeys(tags))
        return self.tag_cache.setdefault(key, key)

    def add_group(self, meta: tuple[int, int, int, int, int, int], group: CensusGroup) -> int:
        """Append a base group with its side-table row; returns its index."""
        self.groups.append(group)
        self.meta.append(meta)
        return len(self.groups) - 1

    def last_active(self, created: int, u: float, v: float) -> int:
        """Day index of last activity: mostly recent, some quiet for months or years."""
        if u < 0.80:
            day = T - int(v * 30)
        elif u < 0.95:
            day = T - 30 - int(v * 150)
        else:
            day = T - 180 - int(v * 520)
        return max(day, created)

    def finish_group(self, group: CensusGroup, parts: list[str], pids: np.ndarray,
                     bg: np.ndarray, ids: bool) -> None:
        """Apply background phenomena (partial view, annotations, decoration, Traditional)."""
        true_size = len(pids)
        extra = 1 + int(bg[10] * 10) % 3 if bg[10] < 0.3 else 0
        tags: list[str] = []
        partial_p = 0.30 if group.platform == "telegram" else 0.05
        if true_size >= 6 and bg[0] < partial_p:
            keep = max(1, int(true_size * (0.3 + 0.3 * bg[6])))
            pids = pids[self.rng.permutation(true_size)[:keep]]
            tags.append("partial_visibility")
            extra = 0
        group._person_ids = pids
        if not ids and bg[1] < (0.08 if group.platform == "dingtalk" else 0.03):
            group.members = self.annotate(pids)
            tags.append("annotated_names")
        else:
            group.members = self.display(pids, ids)
        if bg[2] < 0.03:
            group.title = decorate(parts, self.rng)
            tags.append("decorated")
        elif bg[3] < 0.004 and not ids:
            group.title = to_traditional(group.title)
            group.owner = to_traditional(group.owner)
            group.members = [to_traditional(m) for m in group.members]
            tags.append("traditional")
        group.member_count = true_size + extra
        group.tags = self.tags(*tags)
        group._own = group.tags

    def community_groups(self, comm: _Community) -> None:
        """The community's 10–25 work groups, one per function, plus zombie/tiny ones."""
        rng = self.rng
        g = int(rng.integers(10, 26))
        fns = rng.choice(NF, g, replace=False, p=FN_WEIGHT / FN_WEIGHT.sum())
        n_staff = len(comm.staff)
        incl = rng.random((g, n_staff)) < FN_STAFF_P[fns][:, None]
        incl |= RESPONSIBLE[comm.staff_roles][:, fns].T
        incl[:, 0] |= rng.random(g) < 0.95
        incl[:, 1] |= rng.random(g) < 0.85
        incl[fns == LEADER_FN] = comm.staff_roles < N_LEADER_ROLES
        k_out = np.minimum(rng.integers(FN_LO[fns], FN_HI[fns] + 1), len(comm.pool))
        starts = rng.integers(0, len(comm.pool), g)
        lmask = rng.random((g, len(comm.liaison))) < 0.45
        created = rng.integers(0, T - 60, g)
        bg = rng.random((g, 12))
        # Own naming (phrase, generic word), location style and platform, used when a group
        # strays from the street's rule, the community's habit or its main platform.
        alt = np.stack((self.phrases(fns, 0.8), draw(GENERIC_CDF, rng.random(g)),
                        rng.integers(5, size=g), draw(PLATFORM_CDF, rng.random(g))), axis=1)
        for j, fn in enumerate(fns.tolist()):
            window = comm.pool.take(np.arange(starts[j], starts[j] + k_out[j]), mode="wrap")
            staff = comm.staff[incl[j]]
            pids = np.concatenate((staff, comm.liaison[lmask[j]], window))
            owner = int(staff[int(bg[j, 7] * len(staff))]) if len(staff) else int(pids[0])
            self.emit_community(comm, fn, pids, owner, int(created[j]), bg[j], alt[j].tolist())
        self.extra_groups(comm, fns)

    def emit_community(self, comm: _Community, fn: int, pids: np.ndarray, owner: int,
                       created: int, bg: np.ndarray, alt: list[int]) -> int:
        """Create one community group from drawn members and background randomness."""
        phrase, gen = comm.street.defaults[fn] if bg[8] < 0.6 else alt[:2]
        loc = comm.loc_style if bg[9] < 0.75 else alt[2]
        meta = (COMMUNITY, comm.idx, fn, phrase, loc, gen)
        platform = comm.platform if bg[4] < 0.75 else alt[3]
        ids = platform == 3 and bg[4] < 0.4
        parts = self.title_parts(*meta)
        group = CensusGroup(
            PLATFORMS[platform], "", "".join(parts),
            FUNCTIONS[fn].purposes[int(bg[11] * len(FUNCTIONS[fn].purposes))],
            self.names[owner], [], 0, DAYS[self.last_active(created, bg[5], bg[6])],
            DAYS[created], None, 0, ())
        self.finish_group(group, parts, pids, bg, ids)
        index = self.add_group(meta, group)
        comm.groups[fn] = index
        return index

    def extra_groups(self, comm: _Community, fns: np.ndarray) -> None:
        """Occasional zombie (long dead, near-empty) and tiny (2–4 people) groups."""
        rng = self.rng
        if rng.random() < 0.06:
            unused = np.setdiff1d(np.arange(NF), fns)
            if len(unused):
                self.zombie(comm, int(rng.choice(unused)))
        if rng.random() < 0.10:
            self.tiny(comm, FN_INDEX[TINY_FNS[int(rng.integers(len(TINY_FNS)))].names[0]])

    def zombie(self, comm: _Community, fn: int) -> None:
        """A group nobody uses any more: 1–3 members, silent for 1–4 years."""
        rng = self.rng
        pids = rng.choice(comm.staff, int(rng.integers(1, 4)), replace=False)
        last = T - int(rng.integers(365, 1400))
        created = max(0, last - int(rng.integers(0, 400)))
        meta = (ZOMBIE, comm.idx, fn, 0, comm.loc_style, 1)
        group = CensusGroup(PLATFORMS[comm.platform], "", "".join(self.title_parts(*meta)),
                            FUNCTIONS[fn].purposes[0], self.names[int(pids[0])],
                            self.display(pids, False), len(pids), DAYS[last], DAYS[created], None,
                            0, self.tags("zombie"), pids.astype(np.int32))
        self.add_group(meta, group)

    def tiny(self, comm: _Community, fn: int) -> None:
        """A small active group of two to four staff (碰头群, 值班群)."""
        rng = self.rng
        pids = comm.staff[:int(rng.integers(2, 5))]
        created = int(rng.integers(0, T - 30))
        meta = (TINY, comm.idx, fn, 0, comm.loc_style, 1)
        group = CensusGroup(PLATFORMS[comm.platform], "", "".join(self.title_parts(*meta)),
                            ALL_FNS[fn].purposes[0], self.names[int(pids[0])],
                            self.display(pids, False), len(pids),
                            DAYS[T - int(rng.integers(0, 20))], DAYS[created], None, 0,
                            self.tags("tiny"), pids.copy())
        self.add_group(meta, group)

    # -- street level ---------------------------------------------------------------------

    def unit_officers(self, street: _Street, unit: str) -> np.ndarray:
        """The 2–4 officers an issuing unit sends to this street (drawn once per unit)."""
        officers = street.units.get(unit)
        if officers is None:
            start = (len(street.units) * 3) % (len(street.reserve) - 4)
            officers = street.reserve[start:start + int(self.rng.integers(2, 5))]
            for p in officers.tolist():
                self.roles[p] = unit
            street.units[unit] = officers
        return officers

    def close_street(self, street: _Street) -> None:
        """Street-level groups, temporary task groups and the street's planted negatives."""
        for fn in street.fns.tolist():
            self.street_group(street, fn)
        self.temporary_groups(street)
        for comm in street.communities:
            self.plant_same_staff(comm)
        self.plant_same_function(street)
        street.taken = set()

    def street_group(self, street: _Street, fn: int) -> None:
        """A street-level group: street cadres plus the matching staff of every community."""
        rng = self.rng
        parts = [street.staff[rng.random(len(street.staff)) < 0.5]]
        holders = [c for c in street.communities if fn in c.groups]
        folded = set(rng.choice(len(holders), min(len(holders), int(rng.integers(1, 3))),
                                replace=False).tolist()) if holders else set()
        for i, comm in enumerate(holders):
            if i in folded:     # the street pulled the whole community group in
                inner = self.groups[comm.groups[fn]]._person_ids
                parts.append(inner[rng.random(len(inner)) < 0.92])
            pick = RESPONSIBLE[comm.staff_roles, fn].copy()
            pick[0] |= rng.random() < 0.6
            pick[1] |= rng.random() < 0.4
            if FUNCTIONS[fn].grid:
                pick |= (comm.staff_roles == GRID_ROLE) & (rng.random(len(pick)) < 0.5)
            parts.append(comm.staff[pick])
        if FUNCTIONS[fn].units and rng.random() < 0.5:
            parts.append(self.unit_officers(street, FUNCTIONS[fn].units[0])[:2])
        pids = np.unique(np.concatenate(parts)).astype(np.int32)
        pids = pids[rng.permutation(len(pids))]
        phrase, gen = street.defaults[fn]
        loc = int(draw(STREET_LOC_CDF, rng.random()))
        meta = (STREET, street.idx, fn, phrase, loc, gen)
        created = int(rng.integers(0, T - 60))
        bg = rng.random(12)
        bg[0] = max(bg[0], 0.2)      # street lists stay complete: the hard negative needs them
        platform = int(rng.random() < 0.4)      # street offices use WeChat or DingTalk
        parts = self.title_parts(*meta)
        group = CensusGroup(PLATFORMS[platform], "", "".join(parts),
                            FUNCTIONS[fn].purposes[int(bg[11] * len(FUNCTIONS[fn].purposes))],
                            self.names[int(street.staff[2 + int(bg[7] * 2)])], [], 0,
                            DAYS[self.last_active(created, bg[5], bg[6])], DAYS[created], None, 0,
                            ())
        self.finish_group(group, parts, pids, bg, False)
        index = self.add_group(meta, group)
        self.plant_street_vs_community(index, holders, fn)

    def plant_street_vs_community(self, street_idx: int, holders: list[_Community],
                                  fn: int) -> None:
        """Tag community groups of the same function that the street group mostly contains."""
        inside = set(self.groups[street_idx]._person_ids.tolist())
        for comm in holders:
            ci = comm.groups[fn]
            members = self.groups[ci]._person_ids.tolist()
            if sum(p in inside for p in members) >= 0.7 * len(members):
                self.negatives.append(("street_vs_community", street_idx, ci))

    def temporary_groups(self, street: _Street) -> None:
        """Temporary 专班 of the street: pairs with different tasks or different periods."""
        rng = self.rng
        pool = np.concatenate([street.staff] + [c.staff[:2] for c in street.communities])
        kinds = [int(rng.random() < 0.5)]
        if rng.random() < 0.5:
            kinds.append(1 - kinds[0])
        # Three distinct one-off tasks: two for a pair, one for an unpaired 专班; reusing a task
        # would make an unlabelled look-alike of a planted group.
        one_off = [TEMP_TASKS[i] for i in rng.choice(len(TEMP_TASKS), 3, replace=False).tolist()]
        for periodic in kinds:
            if periodic:
                task, month = PERIODIC_TASKS[rng.integers(len(PERIODIC_TASKS))]
                pair = [(task, day, True) for day in self.periods(month)]
            else:
                start = int(rng.integers(T - 1200, T - 30))
                pair = [(one_off[0], start, False),
                        (one_off[1], start + int(rng.integers(-60, 60)), False)]
            made = [self.temp_group(street, pool, *spec) for spec in pair]
            self.negatives.append(("temporary_tasks", made[0], made[1]))
        if rng.random() < 0.4:
            self.temp_group(street, pool, one_off[2], int(rng.integers(T - 900, T - 20)), False)

    def periods(self, month: int) -> tuple[int, int]:
        """Start days of the same recurring task in two different years (never overlapping)."""
        rng = self.rng
        last_year = TODAY.year - int(rng.integers(0, 3))
        years = (last_year - int(rng.integers(1, 3)), last_year)
        months = [month or int(rng.integers(1, 13)) for _ in years]
        days = [(date(y, m, int(rng.integers(1, 21))) - EPOCH).days
                for y, m in zip(years, months, strict=True)]
        if days[1] > T - 5:     # this year's round has not started yet: use the year before
            days = [days[0] - 365, days[1] - 365]
        if days[1] - days[0] < 150:    # December then January: keep the periods apart
            days[0] -= 365
        return days[0], days[1]

    def temp_group(self, street: _Street, pool: np.ndarray, task: str, created: int,
                   dated: bool) -> int:
        """One temporary group with an expiry date; `dated` titles carry their year and month."""
        rng = self.rng
        created = min(created, T - 5)
        expires = created + int(rng.integers(25, 120))
        pids = pool[rng.random(len(pool)) < 0.88].astype(np.int32)
        day = DAYS[created]
        title = f"{day.year}年{day.month}月{street.name}{task}" if dated else street.name + task
        last = min(expires + int(rng.integers(0, 10)), T)
        group = CensusGroup(PLATFORMS[int(rng.random() < 0.4)], "", title,
                            f"{task.removesuffix('群')}期间工作调度与信息报送",
                            self.names[int(street.staff[2])], self.display(pids, False), len(pids),
                            DAYS[last], day, EPOCH + timedelta(days=expires), 0, (), pids)
        return self.add_group((TEMPORARY, street.idx, 0, 0, 0, 0), group)

    # -- planted negatives ----------------------------------------------------------------

    def plant_same_staff(self, comm: _Community) -> None:
        """Tag up to two pairs of the community's groups whose people overlap ≥ 60% (Jaccard)."""
        rng = self.rng
        if rng.random() > 0.6 or len(comm.groups) < 2:
            return
        idx = list(comm.groups.values())
        sets = [set(self.groups[i]._person_ids.tolist()) for i in idx]
        first = rng.integers(len(idx), size=30)
        second = (first + rng.integers(1, len(idx), size=30)) % len(idx)
        found = 0
        for a, b in zip(first.tolist(), second.tolist(), strict=True):
            inter = len(sets[a] & sets[b])
            if inter >= 0.6 * len(sets[a] | sets[b]):
                self.negatives.append(("same_staff_diff_function", idx[a], idx[b]))
                found += 1
                if found == 2:
                    return

    def plant_same_function(self, street: _Street) -> None:
        """Tag same-function groups of two communities (same street, or the previous one)."""
        rng = self.rng
        comms = street.communities
        candidates = list(itertools.combinations(comms, 2))
        if len(self.streets) > 1 and rng.random() < 0.3:
            previous = self.streets[-2].communities
            candidates += [(a, b) for a in previous[:3] for b in comms[:3]]
        if not candidates:
            return
        picks = rng.choice(len(candidates), min(len(candidates), max(1, len(comms) // 2)),
                           replace=False)
        for k in picks.tolist():
            a, b = candidates[k]
            common = sorted(set(a.groups) & set(b.groups))
            if common:
                fn = common[int(rng.integers(len(common)))]
                self.negatives.append(("same_function_diff_community", a.groups[fn],
                                       b.groups[fn]))

    # -- duplicates -----------------------------------------------------------------------

    def plant_duplicates(self, sizes: np.ndarray) -> list[tuple[int, CensusGroup]]:
        """Copies of randomly chosen base groups; returns (original index, copy) pairs."""
        rng = self.rng
        eligible = [i for i, m in enumerate(self.meta) if m[0] in (COMMUNITY, STREET)]
        weights = np.array([1.0 if self.meta[i][0] == COMMUNITY else 0.6 for i in eligible])
        chosen = rng.choice(eligible, min(len(sizes), len(eligible)), replace=False,
                            p=weights / weights.sum())
        copies = []
        for orig, size in zip(chosen.tolist(), sizes.tolist(), strict=False):
            # Two partial views of one group could show nobody in common: allow one per cluster.
            partial_ok = self.groups[orig].member_count >= 12
            for _ in range(size - 1):
                copy = self.make_copy(orig, partial_ok)
                partial_ok &= "partial_visibility" not in copy._own
                copies.append((orig, copy))
        return copies

    def pick_phenomena(self, ids: bool, has_units: bool, partial_ok: bool) -> list[str]:
        """One to three phenomena that make this copy hard to recognise."""
        rng = self.rng
        weights = np.array([0.20, 0.10, 0.18, 0.14, 0.18, 0.14, 0.16])
        if ids:    # a Telegram id list cannot be annotated
            weights[5] = 0
        if not has_units:    # no issuing unit runs 两委班子 or 楼道长 groups
            weights[3] = 0
        if not partial_ok:   # in a small group everybody posts, so the bot sees everybody
            weights[6] = 0
        k = int(rng.choice([1, 2, 3], p=[0.6, 0.3, 0.1]))
        picks = rng.choice(len(PHENOMENA), k, replace=False, p=weights / weights.sum())
        return [PHENOMENA[i] for i in sorted(picks.tolist())]

    def copy_people(self, orig: CensusGroup, meta, keep_p: float, adds: int) -> np.ndarray:
        """Mostly the same people: a few left, a few joined."""
        rng = self.rng
        pids = orig._person_ids
        kept = pids[rng.random(len(pids)) < keep_p]
        if len(kept) < min(2, len(pids)):
            kept = pids[:2]
        if meta[0] == COMMUNITY:
            comm = self.communities[meta[1]]
            source = np.concatenate((comm.staff, comm.pool))
        else:
            street = self.streets[meta[1]]
            source = np.concatenate([street.staff] + [c.staff for c in street.communities])
        new = np.setdiff1d(rng.choice(source, adds), kept)
        # A different group lists its people in its own join order, not the original's.
        return rng.permutation(np.concatenate((kept, new))).astype(np.int32)

    def make_copy(self, orig_idx: int, partial_ok: bool) -> CensusGroup:
        """A true duplicate of a base group, with its phenomena applied and tagged."""
        rng = self.rng
        orig = self.groups[orig_idx]
        meta = self.meta[orig_idx]
        kind, home, fn, phrase, loc, gen = meta
        ids = bool(orig.members) and orig.platform == "telegram" and orig.members[0].isdigit()
        phen = self.pick_phenomena(ids, bool(FUNCTIONS[fn].units), partial_ok)
        if "recreated" in phen:
            pids = self.copy_people(orig, meta, 0.82, int(rng.integers(1, 5)))
        else:
            pids = self.copy_people(orig, meta, 0.92, int(rng.integers(0, 3)))
        if "synonym" in phen:
            phrase = self.other_index(phrase, len(FUNCTIONS[fn].names))
        if rng.random() < 0.5:
            loc = int(rng.integers(3 if kind == STREET else 5))
        if rng.random() < 0.6:
            gen = int(draw(GENERIC_CDF, rng.random()))
        parts = self.title_parts(kind, home, fn, phrase, loc, gen)
        owner = orig.owner if rng.random() < 0.5 else self.names[int(pids[0])]
        if "cross_department" in phen:
            parts, owner, pids = self.cross_department(kind, home, fn, pids)
        if "recreated" in phen:
            created = self.recreate(orig, parts)
        else:
            created = int(np.clip((orig.created - EPOCH).days + rng.integers(-200, 600), 0, T - 10))
        copy = CensusGroup(self.copy_platform(orig, ids), "", "".join(parts),
                           self.copy_purpose(orig, fn, phen), owner, [], 0,
                           DAYS[self.last_active(created, rng.random() * 0.9, rng.random())],
                           DAYS[created], None, 0, ())
        self.copy_people_display(copy, pids, ids, phen)
        if "traditional" in phen:
            parts = [to_traditional(p) for p in parts]
            copy.title = "".join(parts)
        if "decorated" in phen:
            copy.title = decorate(parts, rng)
        copy._own = self.tags(*phen, *(["cross_platform"] if copy.platform != orig.platform
                                        else []))
        copy.tags = copy._own
        return copy

    def other_index(self, current: int, k: int) -> int:
        """A different index in range(k) (a synonym for the current phrase)."""
        return (current + int(self.rng.integers(1, k))) % k

    def copy_platform(self, orig: CensusGroup, ids: bool) -> str:
        """Same platform mostly; sometimes the same work group was also opened elsewhere."""
        if ids or self.rng.random() < 0.55:
            return orig.platform
        others = [p for p in PLATFORMS if p != orig.platform]
        return others[int(self.rng.integers(len(others)))]

    def copy_purpose(self, orig: CensusGroup, fn: int, phen: list[str]) -> str:
        """The copy's purpose: reworded for synonyms / issuing units, else often the same."""
        purposes = FUNCTIONS[fn].purposes
        if "cross_department" in phen and self.rng.random() < 0.5:
            return f"{FUNCTIONS[fn].tasks[0]}工作对接及资料上报"
        if "synonym" in phen or self.rng.random() < 0.4:
            options = [p for p in purposes if p != orig.purpose] or list(purposes)
            return options[int(self.rng.integers(len(options)))]
        return orig.purpose

    def cross_department(self, kind: int, home: int, fn: int,
                         pids: np.ndarray) -> tuple[list[str], str, np.ndarray]:
        """Title parts, owner and members of the issuing unit's version of the group."""
        rng = self.rng
        spec = FUNCTIONS[fn]
        unit = spec.units[int(rng.integers(len(spec.units)))]
        if kind == STREET:
            street = self.streets[home]
            place = street.name
        else:
            comm = self.communities[home]
            street = comm.street
            place = comm.name if rng.random() < 0.6 else street.name + comm.name
        officers = self.unit_officers(street, unit)
        pids = np.concatenate((np.setdiff1d(pids, officers), officers)).astype(np.int32)
        task = spec.tasks[int(rng.integers(len(spec.tasks)))]
        parts = [unit, place, task, UNIT_GENERIC[int(rng.integers(len(UNIT_GENERIC)))]]
        return parts, self.names[int(officers[0])], pids

    def recreate(self, orig: CensusGroup, parts: list[str]) -> int:
        """Make the original stale and return the new group's creation day; marks the title."""
        rng = self.rng
        old_last = T - int(rng.integers(90, 540))
        orig_created = (orig.created - EPOCH).days
        if orig_created > old_last - 60:    # the old group must have lived before going quiet
            orig_created = max(0, old_last - int(rng.integers(60, 700)))
            orig.created = DAYS[orig_created]
        orig.last_active = DAYS[old_last]
        created = min(max(old_last - int(rng.integers(0, 25)), orig_created + 1), T - 1)
        mark = RECREATED_MARKS[int(rng.integers(len(RECREATED_MARKS)))]
        mark = mark.replace("YEAR", str(DAYS[created].year))
        if mark in ("新群", "2群", "二群"):
            parts[-1] = parts[-1].removesuffix("群") + mark
        elif mark.startswith("20") and rng.random() < 0.5:
            parts.insert(0, mark)
        else:
            parts.append(mark)
        return created

    def copy_people_display(self, copy: CensusGroup, pids: np.ndarray, ids: bool,
                            phen: list[str]) -> None:
        """Members as the copy's platform shows them: partial, annotated and/or Traditional."""
        rng = self.rng
        true_size = len(pids)
        copy.member_count = true_size + (int(rng.integers(0, 3)) if rng.random() < 0.3 else 0)
        if "partial_visibility" in phen:
            keep = max(1, int(true_size * rng.uniform(0.3, 0.6)))
            pids = pids[rng.permutation(true_size)[:keep]]
            copy.member_count = max(true_size, int(keep / 0.6) + 1)
        copy._person_ids = pids
        members = self.annotate(pids) if "annotated_names" in phen else self.display(pids, ids)
        if "traditional" in phen:
            copy.owner = to_traditional(copy.owner)
            if not ids:
                members = [to_traditional(m) for m in members]
        copy.members = members

    # -- assembly -------------------------------------------------------------------------

    def build(self) -> list[CensusGroup]:
        """Generate base groups to size, plant duplicates and negatives, shuffle, number."""
        sizes = self.cluster_sizes()
        target = self.n - int((sizes - 1).sum())
        # At least one street with one community: tiny requests get ~30 groups.
        while not self.streets or len(self.groups) < target - 15:
            street = self.new_street()
            while len(street.communities) < street.planned:
                self.community_groups(self.new_community(street))
                # Closing the street still adds its street groups and about three 专班.
                if len(self.groups) + len(street.fns) + 3 >= target:
                    break
            self.close_street(street)
        copies = self.plant_duplicates(sizes)
        self.attach_negatives()
        return self.finalise(copies)

    def cluster_sizes(self) -> np.ndarray:
        """Sizes of the duplicate clusters: pairs, some triples, ~10% of all groups in total."""
        mean = 2 + TRIPLE_SHARE
        k = max(1, round(DUP_SHARE * self.n / mean))
        return 2 + (self.rng.random(k) < TRIPLE_SHARE).astype(int)

    def attach_negatives(self) -> None:
        """Store each planted negative on both groups and tag them."""
        partners: dict[int, list[tuple[str, CensusGroup]]] = defaultdict(list)
        for tag, a, b in dict.fromkeys((t, min(a, b), max(a, b)) for t, a, b in self.negatives):
            if a == b:
                continue
            partners[a].append((tag, self.groups[b]))
            partners[b].append((tag, self.groups[a]))
        for i, links in partners.items():
            g = self.groups[i]
            g._negatives = tuple(links)
            g.tags = self.tags(*g.tags, *(tag for tag, _ in links))

    def finalise(self, copies: list[tuple[int, CensusGroup]]) -> list[CensusGroup]:
        """Tag originals, shuffle everything, then assign chat ids and cluster ids."""
        base = len(self.groups)
        cluster_of = list(range(base))
        for orig, copy in copies:
            g = self.groups[orig]
            shared = [t for t in copy._own if t in ("recreated", "cross_department", "synonym",
                                                    "cross_platform")]
            g.tags = self.tags(*g.tags, "duplicate", *shared)
            copy.tags = self.tags(*copy.tags, "duplicate")
            self.groups.append(copy)
            cluster_of.append(orig)
        order = self.rng.permutation(len(self.groups)).tolist()
        out = [self.groups[i] for i in order]
        counters = dict.fromkeys(PLATFORMS, 0)
        renumber: dict[int, int] = {}
        for g, i in zip(out, order, strict=True):
            counters[g.platform] += 1
            g.chat_id = make_chat_id(g.platform, counters[g.platform])
            g.cluster = renumber.setdefault(cluster_of[i], len(renumber) + 1)
        return out


def draw(cdf: np.ndarray, u):
    """Categorical draw(s) from a cumulative distribution and uniform variate(s)."""
    return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)


def make_chat_id(platform: str, seq: int) -> str:
    """Platform-looking chat id: wx-/dd-/qq- sequences, Telegram supergroup ids."""
    if platform == "telegram":
        return f"-100{1_700_000_000 + seq * 7:010d}"
    return f"{CHAT_PREFIX[platform]}-{seq:07d}"


def decorate(parts: list[str], rng: np.random.Generator) -> str:
    """Emoji/bracket prefixes or suffixes, spaces between parts, full-width ASCII."""
    joiner = ("", " ", "\u3000", "")[int(rng.integers(4))]
    title = joiner.join(p for p in parts if p)
    mode = int(rng.integers(3))
    if mode != 1:
        title = DECOR_PREFIX[int(rng.integers(len(DECOR_PREFIX)))] + title
    if mode != 0:
        title += DECOR_SUFFIX[int(rng.integers(len(DECOR_SUFFIX)))]
    if rng.random() < 0.35:
        title = title.translate(FULLWIDTH)
    return title


def generate_district(n_groups: int, seed: int = 0) -> list[CensusGroup]:
    """About n_groups labelled census groups of one district, deterministic for the seed."""
    # Millions of long-lived lists and records make every full cyclic-GC pass walk them all;
    # nothing here forms garbage cycles worth collecting, so pause it while building.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _District(n_groups, seed).build()
    finally:
        if was_enabled:
            gc.enable()


# ---------------------------------------------------------------------------------------------
# Command line: timing, memory and the mix of what was planted
# ---------------------------------------------------------------------------------------------

def summary(groups: list[CensusGroup]) -> dict:
    """Counts a matcher author wants: tags, cluster sizes, pairs, platforms, title shapes."""
    sizes = Counter(Counter(g.cluster for g in groups).values())
    tags = Counter(t for g in groups for t in g.tags)
    negatives = {k: len(v) for k, v in hard_negative_pairs(groups).items()}
    phen_pairs = {k: len(v) for k, v in sorted(pairs_by_phenomenon(groups).items())}
    return {"groups": len(groups), "cluster_sizes": dict(sorted(sizes.items())),
            "true_pairs": len(true_pairs(groups)), "pairs_by_phenomenon": phen_pairs,
            "hard_negative_pairs": negatives, "group_tags": dict(tags.most_common()),
            "platforms": dict(Counter(g.platform for g in groups)),
            "mean_listed_members": round(sum(len(g.members) for g in groups) / len(groups), 1)}


def main() -> None:
    """Time generate_district and print its summary as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--csv", help="also write the census CSV here")
    parser.add_argument("--no-summary", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    groups = generate_district(args.groups, args.seed)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {"n_groups": args.groups, "seconds": round(elapsed, 2), "peak_rss_mb": round(peak_mb)}
    if not args.no_summary:
        report |= summary(groups)
    if args.csv:
        write_census_csv(groups, args.csv)
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
