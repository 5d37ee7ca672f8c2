"""The demo county's cases (../shared/reference/demo-cases.md), as far as the service has gone.

Idempotent: each demo request carries an idempotency key; a second run finds it and moves on.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.contrib.auth.hashers import make_password

from daiban.cases.agency_team import propose
from daiban.cases.models import Case
from daiban.cases.services import case_agreement_set, case_designate_major, case_team_set, document_sign, request_accept
from daiban.intake.models import Company, Request
from daiban.intake.services import card_issue, owner_account_create, request_contact, request_submit
from daiban.intake.validation import RequestData
from daiban.lib.validators import credit_code_check_char
from daiban.org.models import User


def _code(body: str) -> str:
    return body + credit_code_check_char(body)


@dataclass
class DemoCase:
    key: str
    owner_username: str
    owner_name: str
    data: RequestData
    agent: str
    items: list[str] = field(default_factory=list)
    accept: bool = True
    card_issuer: str = ""
    major: bool = False


CASES = [
    DemoCase("demo-1", "owner1", "陈国栋", RequestData(
        company_name="平阳县鳌江精工传动有限公司", credit_code=_code("91330326MA2J4T8L1"), legal_rep="陈国栋",
        company_address="平阳县鳌江镇鳌江机电园区兴港路88号",
        contact_name="陈晓东", contact_phone="13957701201", project_name="年产20万台精密齿轮减速机项目",
        location="鳌江镇", category="investment_promotion", industrial=True, investment_wan=12000,
        project_code="2609-330326-04-01-328741", land_area_mu=45, floor_area_m2=52000,
        description="在鳌江机电园区出让地块新建生产厂房、研发楼及配套设施，建成后年产精密齿轮减速机20万台"),
        agent="aojiang", major=True,
        items=["L01", "L02", "L03", "L04", "L05", "G01", "G02", "S01", "S02", "S03", "S04", "U01", "U02", "U03",
               "U04"]),
    DemoCase("demo-2", "owner2", "吴建华", RequestData(
        company_name="平阳县水头盛达皮具有限公司", credit_code=_code("91330326MA2K6P2N5"), legal_rep="吴建华",
        company_address="平阳县水头镇小微园区皮革路16号",
        contact_name="吴丽", contact_phone="13967702302", project_name="皮具生产车间入园项目",
        location="水头镇", category="industrial_platform", industrial=True, investment_wan=3800,
        description="入驻水头小微园标准厂房，建设皮具生产线两条"),
        agent="shuitou", items=["L02", "L05C", "G02", "S01", "S04", "U01", "U02"]),
    DemoCase("demo-3", "owner3", "蔡德明", RequestData(
        company_name="平阳县萧江宏达塑编有限公司", credit_code=_code("91330326MA2L9C3D7"), legal_rep="蔡德明",
        company_address="平阳县萧江镇塘川工业区宏达路9号",
        contact_name="蔡德明", contact_phone="13857703403", project_name="年产1.5万吨塑编制品生产线项目",
        location="萧江镇", category="returning_merchant", industrial=True, investment_wan=6500,
        description="平商回归项目，新建塑编制品生产线及仓储用房"),
        agent="xiaojiang", card_issuer="zsj", items=["L01", "L02", "L03", "L04", "L05", "G02", "S01", "S04"]),
    DemoCase("demo-4", "owner4", "林志远", RequestData(
        company_name="平阳县昆阳城投置业有限公司", credit_code=_code("91330326MA2M1R5F9"), legal_rep="林志远",
        company_address="平阳县昆阳镇城东路218号",
        contact_name="林佳", contact_phone="13867704504", project_name="昆阳老城片区商业街区更新项目",
        location="昆阳镇", category="major_construction", industrial=False, investment_wan=26000,
        description="大建大美项目，对老城片区实施有机更新，建设商业街区及地下停车场"),
        agent="kunyang", items=["L02", "L05", "G01", "G02", "G03", "S01", "S02", "S04"]),
    DemoCase("demo-5", "owner5", "郑海涛", RequestData(
        company_name="平阳县滨海环境工程有限公司", credit_code=_code("91330326MA2N7W6H2"), legal_rep="郑海涛",
        company_address="平阳县滨海新区东海大道1号",
        contact_name="郑海涛", contact_phone="13777705605", project_name="滨海新区工业废水集中处理站项目",
        location="滨海园区", category="government_investment", industrial=True, investment_wan=8000,
        description="政府投资项目（参照执行），建设日处理能力1万吨的工业废水集中处理站"),
        agent="binhai", items=["L02", "L05", "G02", "S01", "S04", "U01"]),
    DemoCase("demo-6", "owner6", "杨美玲", RequestData(
        company_name="平阳县万全礼盒包装有限公司", credit_code=_code("91330326MA2P3X8J4"), legal_rep="杨美玲",
        company_address="平阳县万全镇榆垟工业区礼品路28号",
        contact_name="杨美玲", contact_phone="13657706706", project_name="礼盒包装生产车间技改项目",
        location="万全镇", category="other", industrial=True, investment_wan=900,
        description="租用现有厂房，新增礼盒包装生产设备"),
        agent="wanquan", accept=False),
]


def _owner(demo: DemoCase, company: Company, password_hash: str) -> None:
    if not User.objects.filter(username=demo.owner_username).exists():
        owner_account_create(actor=None, company=company, username=demo.owner_username, password=password_hash,
                             full_name=demo.owner_name, mobile=demo.data.contact_phone, password_is_hash=True)


def load(password: str) -> None:
    center = User.objects.get(username="center")
    password_hash = User.objects.get(username="center").password if center.check_password(password) \
        else make_password(password)
    for demo in CASES:
        request = Request.objects.filter(idempotency_key=demo.key).first()
        if request is None:
            data = replace(demo.data)  # the module's data stays as written: a second load starts afresh
            if demo.card_issuer:
                card = card_issue(actor=User.objects.get(username=demo.card_issuer), company_name=data.company_name,
                                  credit_code=data.credit_code, project_name=data.project_name)
                data = replace(data, card_no=card.number)
            request, _ = request_submit(data=data, idempotency_key=demo.key)
        _owner(demo, request.company, password_hash)
        if not demo.accept:
            continue
        agent = User.objects.get(username=demo.agent)
        if request.status == Request.Status.NEW:
            request_contact(actor=agent, request=request, note="电话联系企业，了解项目概况并约定上门服务")
        case = request_accept(actor=agent, request=request) if request.status != Request.Status.ACCEPTED \
            else request.case
        _entrust(demo, case, agent)


def _entrust(demo: DemoCase, case: Case, agent: User) -> None:
    if demo.major and not case.project.major:
        case_designate_major(actor=User.objects.get(username="center"), case=case)
    if not case.items.exists():
        case_agreement_set(actor=agent, case=case, item_codes=demo.items)
        document_sign(actor=agent, case=case, kind="agreement", owner_signatory=demo.data.legal_rep)
    if not case.team.exists():
        team = propose(case).as_usernames()
        team["agent"] = demo.agent
        case_team_set(actor=agent, case=case, **team)
