from __future__ import annotations

from django import forms

from daiban.org.models import AgencyBody, Department
from daiban.org.roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", max_length=128, strip=False, widget=forms.PasswordInput)


class CodeForm(forms.Form):
    code = forms.CharField(label="动态口令", max_length=32, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text="手机验证器当前显示的 6 位数字；手机丢失时可输入一个恢复码。")


class PasswordChangeForm(forms.Form):
    current = forms.CharField(label="当前密码", max_length=128, strip=False,
                              widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(label="新密码", max_length=128, strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                   help_text="至少 8 位，包含大写字母、小写字母、数字、符号中的至少 3 类；"
                                             "不能是常见密码，不能包含用户名。")
    repeat = forms.CharField(label="再次输入新密码", max_length=128, strip=False,
                             widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("new_password") and data.get("repeat") and data["new_password"] != data["repeat"]:
            self.add_error("repeat", "两次输入的新密码不一致")
        return data


class AccountOpenForm(forms.Form):
    username = forms.RegexField(label="用户名", max_length=150, regex=r"^[A-Za-z0-9._-]+$",
                                error_messages={"invalid": "用户名只能包含字母、数字和 . _ -"})
    full_name = forms.CharField(label="姓名", max_length=30)
    mobile = forms.RegexField(label="手机号码", max_length=11, regex=r"^1\d{10}$", required=False,
                              error_messages={"invalid": "请填写 11 位手机号码"})
    title = forms.CharField(label="职务", max_length=40, required=False)
    body = forms.ModelChoiceField(label="所在代办机构", queryset=AgencyBody.objects.all(), required=False)
    department = forms.ModelChoiceField(label="所在部门", queryset=Department.objects.all(), required=False)


class OwnerAccountOpenForm(forms.Form):
    """The owner's account: its company by credit code, then the same name fields as any account."""
    credit_code = forms.CharField(label="企业统一社会信用代码", max_length=18)
    username = AccountOpenForm.base_fields["username"]
    full_name = forms.CharField(label="姓名（业主联系人）", max_length=30)
    mobile = AccountOpenForm.base_fields["mobile"]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=Role.choices)
