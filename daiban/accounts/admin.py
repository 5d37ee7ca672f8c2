"""Nothing of the accounts part is edited in the Django admin: credentials change only through the
services on /accounts/ (checks, audit events). Django's groups are unused (roles are RoleGrant)."""
from django.contrib import admin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (Group, TOTPDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
