"""委托代办协议: signed once the request is accepted; names exactly the items entrusted."""
from __future__ import annotations

from .data import AgreementData
from .layout import cn_date, cn_number, form_document, heading, paragraph, signature_columns, table, to_bytes
from .parts import person

# Before the team is set the agreement names no agent; once it is, the agreement is issued again naming them.
NO_TEAM_YET = "待确定代办团队后载明（以本协议新版次为准）"


def entrustment_agreement(data: AgreementData) -> bytes:
    owner, agency, project = data.owner, data.agency, data.project
    doc = form_document("企业投资项目委托代办协议", data.serial, version=data.version)
    parties = (
        [f"委托方（甲方）：{owner.name}", f"统一社会信用代码：{owner.credit_code}", f"法定代表人：{owner.legal_rep}",
         f"联系人：{person(owner.contact_name, owner.contact_phone)}", f"地址：{owner.address}"],
        [f"受托方（乙方）：{agency.unit}",
         f"代办员：{person(agency.agent, agency.agent_phone) if agency.agent else NO_TEAM_YET}",
         *([f"首席代办员：{person(agency.chief_agent, agency.chief_agent_phone)}"] if agency.chief_agent else []),
         f"地址：{agency.address}"],
    )
    for lines in parties:
        for line in lines:
            paragraph(doc, line, indent_first_line=False)
        paragraph(doc, "")
    paragraph(doc, "为加快企业投资项目落地，根据《平阳县企业投资项目政府代办服务实施办法》，甲方自愿委托乙方代办本协议"
                   "所列投资项目审批事项。经双方平等协商，订立本协议。")

    heading(doc, "第一条　委托代办项目")
    investment = f"，总投资{cn_number(project.investment_wan)}万元" if project.investment_wan is not None else ""
    paragraph(doc, f"项目名称：{project.name}；项目代码：{project.code or '尚未赋码'}；建设地点：{project.location}"
                   f"{investment}；建设内容及规模：{project.description or '以项目备案（核准）内容为准'}。")

    heading(doc, "第二条　委托代办事项")
    scope = "全程" if data.all_items else "部分"
    paragraph(doc, f"甲方自愿委托乙方{scope}代办下列审批及公共服务事项，共{len(data.items)}项。"
                   "本协议未列明的事项不属于委托代办范围；需要增加或者减少事项的，由双方另行书面确认。")
    table(doc, ["序号", "事项名称", "审批部门", "承诺时限（工作日）"],
          [[str(n), item.name, item.department, "" if item.limit_workdays is None else str(item.limit_workdays)]
           for n, item in enumerate(data.items, 1)], [1.4, 7.0, 4.4, 2.8], center_columns=(0, 3))
    paragraph(doc, "承诺时限自审批部门受理之日起计算，不含依法需要听证、招标、拍卖、检验、检测、鉴定、专家评审的时间"
                   "和甲方补正材料的时间。")

    heading(doc, "第三条　服务费用")
    paragraph(doc, "乙方提供的代办服务全程免费。乙方及其代办员不以任何名义向甲方收取代办费、咨询费、劳务费等任何费用，"
                   "不接受甲方的礼品、礼金和宴请。审批部门依法收取的行政事业性收费和甲方自主选择的中介服务机构的服务费用，"
                   "由甲方按规定直接缴纳，不属于代办服务费用。甲方发现有人索取费用或者礼品的，可以向"
                   f"{data.county_center}或者纪检监察机关举报。")

    heading(doc, "第四条　甲方的权利和义务")
    in_person = "、".join(item.name for item in data.items if item.owner_in_person)
    for text in ("（一）甲方应当如实提供代办事项所需的申请材料，并对材料的真实性、合法性、完整性负责；因材料不实、"
                 "不全造成的后果由甲方承担。",
                 "（二）甲方应当指定联系人，及时配合乙方补正材料、办理手续、反馈情况；联系人或者联系方式变更的，"
                 "应当及时书面告知乙方。",
                 "（三）法律、法规规定须由申请人本人到场办理的事项" + (f"（{in_person}）" if in_person else "")
                 + "，甲方应当按照乙方告知的时间和地点到场办理。",
                 "（四）代办事项涉及中介技术服务的，由甲方自主选择中介服务机构，自行签订合同并支付费用；乙方提供咨询"
                 "和协调服务，不为甲方指定中介服务机构。",
                 "（五）甲方有权随时了解代办进度，对乙方及代办员的服务进行监督和评价。"):
        paragraph(doc, text)

    heading(doc, "第五条　乙方的权利和义务")
    for text in ("（一）乙方指派代办员负责本项目的代办工作，按照代办任务分解计划表及时向审批部门申报代办事项，"
                 "跟踪办理进度，对临近办理时限的事项进行催办。",
                 "（二）乙方应当每半个月向甲方反馈一次代办进度；遇有影响项目审批的重大问题，应当及时告知甲方。",
                 "（三）代办过程中遇到需要协调的问题，乙方应当主动协调；涉及多个部门的，提请代办机构组织联审会商协调解决。",
                 "（四）乙方应当妥善保管甲方提供的材料，不得遗失、损毁或者用于代办以外的用途；代办事项办结或者委托终止后，"
                 "及时向甲方移交有关材料和审批结果。",
                 "（五）乙方对代办过程中知悉的甲方商业秘密和其他不宜公开的信息负有保密义务，不得泄露或者不正当使用。",
                 "（六）乙方有权要求甲方按照本协议提供材料、配合办理；甲方未按约定配合的，乙方应当书面提醒，"
                 "由此延误的时间不计入承诺时限。"):
        paragraph(doc, text)

    heading(doc, "第六条　责任划分")
    paragraph(doc, "代办服务实行“代办不包办、服务不揽责”。代办服务不改变项目审批事项的法律关系，甲方作为项目法人，"
                   "依法承担项目建设的法律责任以及申请材料真实性、合法性的责任；审批部门依法对其审批行为负责；"
                   "乙方对代办服务的规范、及时负责。")

    heading(doc, "第七条　委托的变更和终止")
    for text in ("（一）甲方可以随时以书面形式通知乙方变更委托事项或者终止委托，乙方应当自收到通知之日起办理相应手续。",
                 "（二）委托代办事项全部办结的，乙方填写代办项目办结单，向甲方移交有关资料，委托终止。",
                 "（三）甲方书面要求终止委托，或者因项目自身原因无法继续代办的，乙方与甲方办理终止委托代办手续，"
                 "填写代办项目委托终止单，并向甲方退还有关资料。",
                 "（四）乙方应当自项目办结或者委托终止之日起2个工作日内，将代办项目办结单或者委托终止单等相关资料"
                 "移交代办机构留档。"):
        paragraph(doc, text)

    heading(doc, "第八条　其他")
    paragraph(doc, "本协议未尽事宜，由双方协商解决，可以签订补充协议，补充协议与本协议具有同等效力。本协议自双方签字"
                   f"（盖章）之日起生效，一式三份，甲乙双方各执一份，报{data.county_center}备案一份。")
    paragraph(doc, "（以下无正文）", align="center", indent_first_line=False)
    signature_columns(doc, [
        ["委托方（甲方）：（盖章）", "法定代表人或授权代表（签字）：", f"日期：{cn_date(data.signed_on)}"],
        ["受托方（乙方）：（盖章）", "代办员（签字）：", f"日期：{cn_date(data.signed_on)}"],
    ])
    return to_bytes(doc)
