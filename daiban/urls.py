from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import include, path, re_path

from daiban.accounts import sso_views
from daiban.accounts import views as account_views
from daiban.api import api
from daiban.cases import urls as case_urls
from daiban.catalog import urls as catalog_urls
from daiban.desk import bench_views
from daiban.desk.case_page import case_page
from daiban.lib.apierrors import unknown_path
from daiban.ops import views as ops_views
from daiban.plans.catalog_views import catalog_edit

admin.site.site_header = "平阳县企业投资项目政府代办服务 · 基础数据管理"
admin.site.site_title = "代办服务基础数据"
admin.site.index_title = "基础数据"


# One way in: the admin's own login (password only) and password change lead to the staff login steps.
def _staff_login(request, extra_context=None) -> HttpResponseRedirect:
    return redirect_to_login(request.GET.get("next", "/admin/"))


def _staff_password_change(request, extra_context=None) -> HttpResponseRedirect:
    return redirect("accounts:password_change")


# The one admin site's methods replaced on the instance (django-stubs declares them as methods, password_change
# as answering a TemplateResponse).
admin.site.login = _staff_login  # type: ignore[method-assign]
admin.site.password_change = _staff_password_change  # type: ignore[method-assign,assignment]

urlpatterns = [
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("login/", account_views.login_view, name="login"),
    path("login/code/", account_views.login_code, name="login_code"),
    path("login/enrol/", account_views.login_enrol, name="login_enrol"),
    path("login/sso/", sso_views.sso_start, name="login_sso"),
    path("login/sso/callback/", sso_views.sso_callback, name="login_sso_callback"),
    path("logout/", sso_views.logout_view, name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", unknown_path),
    path("accounts/", include("daiban.accounts.urls")),
    path("calendar/", include("daiban.workdays.urls")),
    path("import/", include("daiban.adoption.urls")),
    path("portal/", include("daiban.portal.urls")),
    # The case pages and the case page itself, composed above the plan and coordination (daiban/desk/case_page.py).
    path("cases/", include(([*case_urls.urlpatterns, path("<int:pk>/", case_page, name="case")],
                            case_urls.app_name))),
    path("plans/", include("daiban.plans.urls")),
    path("coordination/", include("daiban.coordination.urls")),
    path("intake/", include("daiban.intake.urls")),
    # The catalog's pages and its edit page, which is plans' (an edit reports its effect on running plans).
    path("catalog/", include(([*catalog_urls.urlpatterns, path("<str:code>/edit/", catalog_edit, name="edit")],
                              catalog_urls.app_name))),
    path("notify/", include("daiban.notify.urls")),
    path("closure/", include("daiban.closure.urls")),
    path("goodbad/", include("daiban.goodbad.urls")),
    path("provincial/", include("daiban.provincial.urls")),
    path("assessment/", include("daiban.assessment.urls")),
    path("policy/", include("daiban.policy.urls")),
    path("teams/", include("daiban.teams.urls")),
    path("", include("daiban.desk.urls")),
]
if settings.BENCH_ONE_ROW_VIEW:  # benchmarks only: it asks no login (daiban/desk/bench_views.py)
    urlpatterns.insert(0, path("bench/one-case-row/<int:pk>", bench_views.one_case_row))
