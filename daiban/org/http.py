"""The request a signed-in page or API operation sees (behind `org.pages.staff_page` or the API's STAFF_AUTH):
its user is a staff account, never the anonymous user, so services can take `request.user` as a `User`."""
from __future__ import annotations

from django.http import HttpRequest

from daiban.org.models import User


class StaffRequest(HttpRequest):
    user: User
    auth: User  # in an API operation: whom STAFF_AUTH authenticated (the same account as `user`)
