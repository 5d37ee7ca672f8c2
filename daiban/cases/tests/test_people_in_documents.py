"""The people in a generated form (issue 10 §4): the forms the owner signs and keeps carry its contact and the
agents' mobiles in full; every other form (plan, progress report, completion, termination) is a file that may be
passed on, so it shows them masked to every reader, however much that reader may reveal."""
from __future__ import annotations

import io

import pytest
from docx import Document

from daiban.cases.models import Case, TeamRole
from daiban.cases.paperwork import generate
from daiban.lib.personal import mask_phone

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def planned_case(demo) -> Case:
    """A demo case with a plan and an agent with a mobile number."""
    case = (Case.objects.filter(plan__isnull=False, team__role=TeamRole.AGENT, team__user__mobile__isnull=False)
            .order_by("pk").first())
    assert case is not None and case.team.get(role=TeamRole.AGENT).user.mobile
    return case


@pytest.mark.parametrize("reader", ["center", "inspector"])
def test_the_plan_shows_the_agents_mobile_masked_even_to_someone_who_may_reveal_it(planned_case, api_as, reader):
    agent = planned_case.team.get(role=TeamRole.AGENT).user
    answer = api_as(reader).get(f"cases/{planned_case.pk}/documents/plan.docx")
    assert answer.status_code == 200
    text = _text(answer.content)
    assert mask_phone(agent.mobile) in text
    assert agent.mobile not in text


def test_the_agreement_the_owner_signs_keeps_the_agents_mobile_in_full(planned_case, api_as):
    agent = planned_case.team.get(role=TeamRole.AGENT).user
    generate(case=planned_case, kind="agreement", actor=agent)  # a version naming the team
    owner = planned_case.project.company.owner_users.first()
    answer = api_as(owner.username).get(f"cases/{planned_case.pk}/documents/agreement.docx")
    assert answer.status_code == 200
    assert agent.mobile in _text(answer.content)
