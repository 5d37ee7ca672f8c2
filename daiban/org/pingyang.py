"""The organisation of Pingyang County: administrative tree, agency bodies, windows, departments.

Reference data loaded by `load_org` (and by `seed_demo`); the center edits it afterwards.
Region codes below the county are the county's own internal codes (9 digits, county prefix 330326).
"""
from __future__ import annotations

PROVINCE = ("330000", "浙江省")
CITY = ("330300", "温州市")
COUNTY = ("330326", "平阳县")

TOWNS = [
    ("330326100", "昆阳镇"), ("330326101", "鳌江镇"), ("330326102", "水头镇"), ("330326103", "萧江镇"),
    ("330326104", "腾蛟镇"), ("330326105", "山门镇"), ("330326106", "顺溪镇"), ("330326107", "南雁镇"),
    ("330326108", "万全镇"), ("330326109", "海西镇"), ("330326110", "南麂镇"), ("330326111", "麻步镇"),
    ("330326112", "凤卧镇"), ("330326113", "怀溪镇"),
]
TOWNSHIPS = [("330326200", "闹村乡"), ("330326201", "青街畲族乡")]
ZONE = ("330326400", "浙江省平阳经济开发区")
PARKS = [
    ("330326401", "鳌江园区", "机电装备"),
    ("330326402", "水头园区", "皮革"),
    ("330326403", "萧江园区", "塑编"),
    ("330326404", "万全园区", "商务礼品"),
    ("330326405", "腾蛟园区", "新兴产业"),
    ("330326406", "滨海园区", "新兴产业（滨海新区）"),
]

CENTER_NAME = "平阳县投资项目代办服务中心"
CITY_BODY = "温州市投资项目代办服务中心"
PROVINCE_BODY = "浙江省投资项目代办服务中心"


def unit_name(region_name: str) -> str:
    return f"{region_name}投资项目代办服务站"


def government_name(region_name: str, *, park: bool = False) -> str:
    return f"{region_name}管理委员会" if park else f"{region_name}人民政府"


# The coordination ladder's data for the bodies above the units: each body's own government and its
# approval-management department (审管部门), by department code. A unit's parent is the county center.
LADDER = {
    CENTER_NAME: ("平阳县人民政府", "spj"),
    CITY_BODY: ("温州市人民政府", "wz-spj"),
    PROVINCE_BODY: ("浙江省人民政府", "zj-fgw"),
}


# (code, short name used by the item catalog, full name, kind, level: county|city|province)
DEPARTMENTS = [
    ("fgj", "发展和改革局", "平阳县发展和改革局", "approval", "county"),
    ("zrj", "自然资源和规划局", "平阳县自然资源和规划局", "approval", "county"),
    ("bdc", "自然资源和规划局（不动产登记中心）", "平阳县不动产登记中心", "approval", "county"),
    ("zjj", "住房和城乡建设局", "平阳县住房和城乡建设局", "approval", "county"),
    ("sthj", "生态环境局", "温州市生态环境局平阳分局", "approval", "county"),
    ("yjj", "应急管理局", "平阳县应急管理局", "approval", "county"),
    ("slj", "水利局", "平阳县水利局", "approval", "county"),
    ("rfb", "人防办", "平阳县人民防空办公室", "approval", "county"),
    ("scj", "市场监督管理局", "平阳县市场监督管理局", "approval", "county"),
    ("gdgs", "供电公司", "国网浙江平阳县供电有限公司", "utility", "county"),
    ("zls", "自来水公司", "平阳县自来水有限公司", "utility", "county"),
    ("rqgs", "燃气公司", "平阳县燃气有限公司", "utility", "county"),
    ("dxyys", "电信运营商", "中国电信平阳分公司", "utility", "county"),
    ("zsj", "投资促进局", "平阳县投资促进局（招商局）", "investment", "county"),
    ("swj", "商务局", "平阳县商务局", "commerce", "county"),
    ("ztpt", "政府投资项目平台", "平阳县政府投资项目管理平台", "gov_investment", "county"),
    ("jw", "纪委监委", "中共平阳县纪律检查委员会、平阳县监察委员会", "discipline", "county"),
    ("jxj", "经济和信息化局", "平阳县经济和信息化局", "other", "county"),
    ("spj", "行政审批服务管理办公室", "平阳县行政审批服务管理办公室（审管办）", "other", "county"),
    ("wz-sthj", "温州市生态环境局", "温州市生态环境局", "approval", "city"),
    ("wz-yjj", "温州市应急管理局", "温州市应急管理局", "approval", "city"),
    ("wz-fgw", "温州市发展和改革委员会", "温州市发展和改革委员会", "approval", "city"),
    ("wz-spj", "温州市行政审批服务管理办公室", "温州市行政审批服务管理办公室", "other", "city"),
    ("zj-fgw", "浙江省发展和改革委员会", "浙江省发展和改革委员会", "approval", "province"),
]
