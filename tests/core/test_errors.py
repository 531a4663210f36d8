"""The one mapping from domain errors to what a caller sees: (status, code, message, field errors)
for the API, one line or the fields of a form for the pages."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from metrohub.core.errors import (
    Conflict,
    DomainError,
    describe,
    form_message,
    into_form,
    page_message,
)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_each_domain_error_maps_to_its_status_code_and_message():
    assert describe(ValidationError({"name": ["太长", "含非法字符"], "phone": ["必填"]})) == (
        422,
        "invalid",
        "请求中有字段不合规。",
        [
            {"field": "name", "message": "太长"},
            {"field": "name", "message": "含非法字符"},
            {"field": "phone", "message": "必填"},
        ],
    )
    # an error naming no field is the body's
    assert describe(ValidationError(["第3行：单位不可识别"]))[3] == [
        {"field": "body", "message": "第3行：单位不可识别"}
    ]
    assert describe(PermissionDenied("只有监管部门可以豁免。")) == (
        403,
        "forbidden",
        "只有监管部门可以豁免。",
        [],
    )
    assert describe(PermissionDenied()) == (403, "forbidden", "您的角色无权执行此操作。", [])
    assert describe(Http404("内部细节")) == (404, "not_found", "未找到。", [])
    assert describe(Conflict("文号已被使用")) == (409, "conflict", "文号已被使用", [])
    assert describe(DomainError("无法处理")) == (400, "bad_request", "无法处理", [])
    with pytest.raises(TypeError):
        describe(ValueError("not a domain error"))


class _Form(forms.Form):
    name = forms.CharField(required=False)


def test_a_page_shows_the_error_beside_the_field_it_names_or_above_the_form():
    form = _Form({"name": "x"})
    assert form.is_valid()
    into_form(form, ValidationError({"name": ["太长"], "elsewhere": ["别处"]}))
    assert form.errors == {"name": ["太长"], "__all__": ["别处"]}
    form = _Form({"name": "x"})
    form.is_valid()
    into_form(form, Conflict("状态不允许"))
    assert form.errors == {"__all__": ["状态不允许"]}
    assert page_message(ValidationError({"a": ["一"], "b": ["二"]})) == "一 二"
    assert page_message(Conflict("状态不允许")) == "状态不允许"


class _Upload(forms.Form):
    kind = forms.ChoiceField(label="材料类型", choices=[("plan", "建设方案")])
    file = forms.FileField(label="文件")


def test_a_form_not_shown_again_names_each_field_in_the_page_s_message():
    form = _Upload({"kind": ""}, {})
    assert not form.is_valid()
    assert form_message(form) == "材料类型：这个字段是必填项。 文件：这个字段是必填项。"
    form = _Upload({"kind": "plan"}, {})
    form.is_valid()
    into_form(form, Conflict("状态不允许"))
    assert form_message(form) == "文件：这个字段是必填项。 状态不允许"
