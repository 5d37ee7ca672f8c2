"""The starting item catalog: an industrial project on sold land in Zhejiang (see
../shared/reference/item-catalog.md). It is seed data only: the center edits every value afterwards,
so `load_catalog` creates missing items and never touches the ones already there.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from daiban.catalog.models import CatalogItem, Level, LimitSource, Stage
from daiban.org.models import Department, Region

S, C, E = LimitSource.STATUTORY, LimitSource.COMMITTED, LimitSource.ESTIMATE


@dataclass(frozen=True)
class Seed:
    code: str
    name: str
    department: str  # the department's short name (Department.name)
    stage: str
    limit: int
    source: str
    limit_note: str = ""
    intermediary: str = ""
    in_person: bool = False
    in_person_note: str = ""
    level: str = Level.COUNTY
    optional: bool = False
    after: tuple[str, ...] = ()
    only_if_needed: bool = False  # as a prerequisite, counts only when entrusted (not every project needs it)
    note: str = ""
    materials: tuple[str, ...] = ()
    where_how: str = ""


COUNTY_WINDOW = "平阳县行政服务中心"
ONLINE = "浙江政务服务网（浙里办）"

ITEMS: list[Seed] = [
    Seed("QY01", "企业名称申报与设立登记", "市场监督管理局", Stage.SETUP, 1, E,
         in_person=True, in_person_note="法定代表人电子签名", optional=True, note="可选：项目公司尚未设立时办理",
         materials=("公司登记（备案）申请书", "公司章程", "股东主体资格证明",
                    "法定代表人、董事、监事、经理的任职文件及身份证件", "住所使用证明"),
         where_how=f"{ONLINE}“企业开办一件事”在线办理，法定代表人实名认证后电子签名；亦可到{COUNTY_WINDOW}市场监管窗口办理。"),
    Seed("L01", "国有建设用地使用权出让合同签订", "自然资源和规划局", Stage.INITIATION, 5, E,
         in_person=True, in_person_note="签订出让合同",
         materials=("成交确认书", "竞得人营业执照及法定代表人身份证件", "授权委托书（委托他人签订的）",
                    "土地出让金首期缴款凭证"),
         where_how=f"挂牌成交后，到{COUNTY_WINDOW}自然资源和规划窗口签订《国有建设用地使用权出让合同》，同时签订投资建设协议。"),
    Seed("L02", "企业投资项目备案（赋码）", "发展和改革局", Stage.INITIATION, 1, S,
         limit_note="材料齐全即时赋码",
         materials=("项目备案信息表（项目名称、建设地点、规模、内容、总投资）", "企业营业执照",
                    "项目符合产业政策的承诺"),
         where_how="在浙江省投资项目在线审批监管平台在线填报，材料齐全的即时备案并赋予项目代码，无需到现场。"),
    Seed("L03", "建设用地规划许可证", "自然资源和规划局", Stage.INITIATION, 1, C,
         limit_note="凭出让合同即时核发", after=("L01", "L02"),
         materials=("建设用地规划许可申请表", "国有建设用地使用权出让合同", "项目代码"),
         where_how=f"与出让合同签订同步申请，{COUNTY_WINDOW}自然资源和规划窗口即时核发，可通过{ONLINE}申报。"),
    Seed("L04", "不动产权证书（土地）", "自然资源和规划局（不动产登记中心）", Stage.INITIATION, 5, E,
         in_person=True, in_person_note="申请人到场核验身份", after=("L01",),
         materials=("不动产登记申请书", "申请人身份证明", "国有建设用地使用权出让合同", "土地出让价款及税费缴纳凭证",
                    "不动产权籍调查成果"),
         where_how=f"{COUNTY_WINDOW}不动产登记窗口受理，也可在{ONLINE}预约；缴清出让价款和契税后办理。"),
    Seed("L05", "环境影响评价审批（报告表）", "生态环境局", Stage.INITIATION, 10, C,
         limit_note="法定时限 30 日", intermediary="环评编制机构", after=("L02",),
         materials=("建设项目环境影响报告表审批申请", "环境影响报告表（全本及公开删节本）", "编制单位和编制人员承诺书"),
         where_how="环境影响报告表由业主自主选择的环评编制机构编制；编制完成后在浙江省投资项目在线审批监管平台提交，"
                   f"由温州市生态环境局平阳分局审批，{COUNTY_WINDOW}生态环境窗口可协助。"),
    Seed("L05C", "环境影响评价审批（报告书，重点行业）", "温州市生态环境局", Stage.INITIATION, 20, C,
         limit_note="法定时限 60 日", intermediary="环评编制机构", level=Level.CITY, after=("L02",),
         note="应编制环境影响报告书的重点行业项目办理，与 L05 择一",
         materials=("建设项目环境影响报告书审批申请", "环境影响报告书（全本及公开删节本）", "公众参与说明",
                    "编制单位和编制人员承诺书"),
         where_how="环境影响报告书由业主自主选择的环评编制机构编制，经技术评估后报温州市生态环境局审批；"
                   "县代办联络员在本地材料齐全后 1 个工作日内上报。"),
    Seed("L06", "节能审查", "发展和改革局", Stage.INITIATION, 15, E,
         intermediary="节能评估机构", after=("L02",), only_if_needed=True,
         materials=("节能审查申请", "节能报告（由业主委托的节能评估机构编制）", "项目代码"),
         where_how=f"年综合能源消费量达到审查标准的项目办理；在浙江省投资项目在线审批监管平台提交，{COUNTY_WINDOW}发展改革窗口受理。"),
    Seed("L07", "水土保持方案审批", "水利局", Stage.INITIATION, 10, E,
         intermediary="水保方案编制机构", after=("L02",), only_if_needed=True,
         materials=("水土保持方案审批申请", "水土保持方案报告书或报告表", "项目代码"),
         where_how=f"在浙江省投资项目在线审批监管平台提交，{COUNTY_WINDOW}水利窗口受理；方案由业主自主选择的编制机构编制。"),
    Seed("L08", "危险化学品建设项目安全条件审查", "应急管理局", Stage.INITIATION, 20, E,
         intermediary="安全评价机构", level=Level.CITY, after=("L02",), note="仅涉及危险化学品的建设项目办理",
         only_if_needed=True,
         materials=("建设项目安全条件审查申请书", "安全评价报告", "建设项目批准文件"),
         where_how="业主委托安全评价机构出具安全评价报告后，由县应急管理局初审并上报温州市应急管理局审查。"),
    Seed("G01", "建设工程设计方案审查", "自然资源和规划局", Stage.ENGINEERING, 15, C,
         intermediary="设计单位", after=("L03",), note="土地带方案出让的，免于办理", only_if_needed=True,
         materials=("设计方案审查申请表", "建设工程设计方案（总平面图、建筑单体方案）", "建设用地规划许可证"),
         where_how=f"设计方案由业主委托的设计单位编制，通过{ONLINE}或{COUNTY_WINDOW}自然资源和规划窗口提交，联合审查后出具意见。"),
    Seed("G02", "建设工程规划许可证", "自然资源和规划局", Stage.ENGINEERING, 5, E,
         limit_note="法定时限 20 日", after=("L03", "L04", "G01"),
         materials=("建设工程规划许可申请表", "审定的设计方案总平面图", "不动产权证书（土地）", "建设用地规划许可证"),
         where_how=f"{COUNTY_WINDOW}自然资源和规划窗口受理，也可在{ONLINE}申报；设计方案审定后即可申请。"),
    Seed("G03", "人防工程设计审查或易地建设审批", "人防办", Stage.ENGINEERING, 5, C,
         intermediary="人防设计单位（视情况需要）", after=("G01",), only_if_needed=True,
         materials=("人防工程建设审批申请表", "人防工程设计文件或易地建设申请", "审定的设计方案"),
         where_how=f"{COUNTY_WINDOW}人防窗口受理；按规定缴纳易地建设费的，可随规划许可一并办理。"),
    Seed("S01", "施工图设计文件审查（多图联审）", "住房和城乡建设局", Stage.CONSTRUCTION, 10, E,
         intermediary="勘察、设计、图审机构", after=("G02",),
         materials=("施工图审查申请", "全套施工图设计文件", "岩土工程勘察报告", "建设工程规划许可证"),
         where_how="施工图通过浙江省施工图数字化审查系统上传，由图审机构开展多图联审（含消防、人防、技防）。"),
    Seed("S02", "特殊建设工程消防设计审查", "住房和城乡建设局", Stage.CONSTRUCTION, 5, C,
         limit_note="法定时限 15 日", intermediary="图审机构", after=("S01",), only_if_needed=True,
         materials=("消防设计审查申请表", "消防设计文件", "施工图审查合格意见"),
         where_how=f"与施工图联审同步申报，{COUNTY_WINDOW}住房和城乡建设窗口出具审查意见。"),
    Seed("S03", "施工发包（招标或直接发包）备案", "住房和城乡建设局", Stage.CONSTRUCTION, 3, E,
         intermediary="招标代理（视情况需要）", after=("S01",),
         materials=("招标文件或直接发包说明", "中标通知书或发包合同", "施工合同"),
         where_how="依法必须招标的项目在平阳县公共资源交易中心招标；不需招标的直接发包，在线备案。"),
    Seed("S04", "建筑工程施工许可证", "住房和城乡建设局", Stage.CONSTRUCTION, 7, S,
         after=("G02", "S01", "S02", "S03", "L05", "L05C", "L06", "L07", "L08"),
         materials=("施工许可申请表", "建设工程规划许可证", "施工合同", "施工图审查合格证明", "质量安全监督手续"),
         where_how=f"在{ONLINE}或{COUNTY_WINDOW}住房和城乡建设窗口申请，材料齐全后核发电子证照。"),
    Seed("U01", "电力接入（高压用户）", "供电公司", Stage.UTILITIES, 38, C,
         limit_note="10 千伏全流程：供电方案 15、设计审查 10、中间检查和竣工检验各 5、装表接电 5",
         intermediary="电力设计施工单位", in_person=True, in_person_note="签订供用电合同", after=("G02",),
         materials=("用电申请书", "营业执照及法定代表人身份证件", "用电地址权属证明", "用电设备清单"),
         where_how="通过“网上国网”或县供电公司营业厅申请；受电工程由业主自主选择的设计施工单位承担。"),
    Seed("U02", "供水接入", "自来水公司", Stage.UTILITIES, 3, C, after=("G02",),
         materials=("用水申请表", "营业执照", "总平面图及用水量说明"),
         where_how=f"{COUNTY_WINDOW}水电气网联合报装窗口或{ONLINE}一件事办理。"),
    Seed("U03", "燃气接入", "燃气公司", Stage.UTILITIES, 5, E, after=("G02",),
         materials=("用气申请表", "营业执照", "用气设备清单及用气量"),
         where_how=f"{COUNTY_WINDOW}水电气网联合报装窗口受理，燃气公司现场勘查后出具方案。"),
    Seed("U04", "通信接入", "电信运营商", Stage.UTILITIES, 5, E, after=("G02",),
         materials=("通信接入申请", "营业执照", "建筑平面图"),
         where_how=f"{COUNTY_WINDOW}水电气网联合报装窗口受理，运营商上门勘查并施工。"),
    Seed("U05", "城镇污水排入排水管网许可", "住房和城乡建设局", Stage.UTILITIES, 7, E, after=("S04",),
         materials=("排水许可申请表", "排水户内部排水管网、专用检测井、接入位置图", "排水水质检测报告（或承诺）"),
         where_how=f"在{ONLINE}或{COUNTY_WINDOW}住房和城乡建设窗口申请，现场核查后核发。"),
    Seed("C01", "规划核实与土地核验（多测合一）", "自然资源和规划局", Stage.COMPLETION, 5, E,
         intermediary="测绘单位", optional=True, after=("S04",), note="可选：竣工阶段",
         materials=("规划核实申请", "多测合一竣工测量成果报告", "建设工程规划许可证"),
         where_how="业主自主选择的测绘单位完成“多测合一”测量后，在竣工验收联合办理系统提交。"),
    Seed("C02", "特殊建设工程消防验收", "住房和城乡建设局", Stage.COMPLETION, 10, E,
         limit_note="法定时限 15 日", optional=True, after=("S04",), note="可选：竣工阶段",
         materials=("消防验收申请表", "工程竣工验收报告", "消防设施检测报告"),
         where_how="在竣工验收联合办理系统申报，与其他专项验收同步现场查验。"),
    Seed("C03", "人防工程竣工验收备案", "人防办", Stage.COMPLETION, 5, E, optional=True, after=("S04",),
         note="可选：竣工阶段",
         materials=("人防工程竣工验收备案表", "竣工验收报告"),
         where_how="在竣工验收联合办理系统申报，联合验收时一并办理。"),
    Seed("C04", "城建档案验收", "住房和城乡建设局", Stage.COMPLETION, 3, E, optional=True, after=("S04",),
         note="可选：竣工阶段",
         materials=("建设工程竣工档案", "档案验收申请表"),
         where_how="向县城建档案馆报送竣工档案，可在竣工验收联合办理系统一并申报。"),
    Seed("C05", "竣工验收备案", "住房和城乡建设局", Stage.COMPLETION, 5, E, optional=True,
         after=("C01", "C02", "C03", "C04"), note="可选：竣工阶段",
         materials=("竣工验收备案表", "工程竣工验收报告", "各专项验收意见"),
         where_how="各专项验收完成后，在竣工验收联合办理系统提交备案。"),
    Seed("C06", "不动产首次登记（房屋）", "自然资源和规划局（不动产登记中心）", Stage.COMPLETION, 5, E,
         in_person=True, in_person_note="申请人到场核验身份", optional=True, after=("C05",),
         note="可选：办理房屋不动产权证书",
         materials=("不动产登记申请书", "申请人身份证明", "不动产权证书（土地）", "竣工验收备案证明", "房屋测绘成果"),
         where_how=f"{COUNTY_WINDOW}不动产登记窗口受理，也可在{ONLINE}预约；竣工验收备案后即可申请。"),
]

SEED_CODES = [seed.code for seed in ITEMS]


def _numbered(lines: tuple[str, ...]) -> str:
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, start=1))


def _department(short_name: str) -> Department:
    """By short name, a county department before a city one of the same name."""
    found = sorted(Department.objects.filter(name=short_name).select_related("region"),
                   key=lambda d: d.region.level != Region.Level.COUNTY)
    if not found:
        raise LookupError(f"缺少部门“{short_name}”：请先载入组织机构（manage.py load_org）")
    return found[0]


@transaction.atomic
def load_catalog() -> list[str]:
    """Creates the seed items that are missing; returns their codes. Existing items stay as they are,
    prerequisites included: the center may have edited them."""
    existing = set(CatalogItem.objects.values_list("code", flat=True))
    created: dict[str, Seed] = {}
    for index, seed in enumerate(ITEMS, start=1):
        if seed.code in existing:
            continue
        CatalogItem.objects.create(
            code=seed.code, name=seed.name, department=_department(seed.department), stage=seed.stage,
            limit_workdays=seed.limit, limit_source=seed.source, limit_note=seed.limit_note,
            intermediary=seed.intermediary, owner_in_person=seed.in_person, in_person_note=seed.in_person_note,
            level=seed.level, optional=seed.optional, only_if_needed=seed.only_if_needed, note=seed.note,
            materials=_numbered(seed.materials),
            where_how=seed.where_how, sort=index * 10,
        )
        created[seed.code] = seed
    by_code = {item.code: item for item in CatalogItem.objects.all()}
    for code, seed in created.items():
        by_code[code].prerequisites.set([by_code[p] for p in seed.after if p in by_code])
    for code, other in ALTERNATIVES:
        if (code in created or other in created) and code in by_code and other in by_code:
            by_code[code].alternatives.add(by_code[other])
    return list(created)


# Items of which a project needs one or the other, never both.
ALTERNATIVES = [("L05", "L05C")]
