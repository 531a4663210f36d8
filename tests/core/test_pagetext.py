"""The reader of a Chinese page: what counts as visible text and which tokens are internal codes."""

from metrohub.core.pagetext import code_problems, visible_text


def test_visible_text_skips_scripts_code_and_hidden_parts():
    html = (
        "<html><head><title>首页</title><script>var stage_code = 1;</script></head>"
        '<body><p title="提示">正文</p><code>case_id</code><span hidden>draft</span>'
        '<td translate="no">cq_regulator</td><input type="submit" value="提交">'
        '<input placeholder="搜索"><br>尾</body></html>'
    )
    assert visible_text(html) == ["首页", "提示", "正文", "提交", "搜索", "尾"]


def test_codes_and_untranslated_messages_are_found(db):
    html = (
        "<p>阶段：formal_review</p><p>状态：published</p><p>2025年10月?日</p>"
        "<p>Save the draft</p><p>This page lists the open cases</p>"
        "<p>JJF 1059.1 · 10 N·m · ISO/IEC 17025 · a@b_c.cn</p>"
    )
    assert code_problems(html) == [
        "snake_case token 'formal_review' in '阶段：formal_review'",
        "internal code 'published' in '状态：published'",
        "a date without its day: '2025年10月?日'",
        "untranslated message 'Save the draft'",
        "English text 'This page lists the open cases' in 'This page lists the open cases'",
    ]
