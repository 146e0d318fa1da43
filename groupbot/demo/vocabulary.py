"""Words, places, dates and shapes a synthetic district is drawn from."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

PLATFORMS = ("wechat", "dingtalk", "qq", "telegram")
PLATFORM_P = np.array([0.58, 0.30, 0.05, 0.07])
PHENOMENA = ("decorated", "traditional", "recreated", "cross_department", "synonym",
             "annotated_names", "partial_visibility")

TODAY = date(2026, 10, 31)
EPOCH = date(2017, 1, 1)
T = (TODAY - EPOCH).days
# One shared date object per day: a million groups then cost no date allocations.
DAYS = tuple(EPOCH + timedelta(days=i) for i in range(T + 1))

# Kinds of base group, kept in the generator's side table (never exposed).
COMMUNITY, STREET, TEMPORARY, ZOMBIE, TINY = range(5)
DUP_SHARE = 0.10          # share of all groups that sit in a duplicate cluster
TRIPLE_SHARE = 0.15       # share of clusters with three groups instead of two

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

