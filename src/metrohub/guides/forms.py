from django import forms
from django.utils.translation import gettext_lazy as _


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=200)
    answer = forms.CharField(
        label=_("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
