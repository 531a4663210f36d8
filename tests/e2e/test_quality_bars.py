"""Quality bars in the browser, on the pages each representative role reaches from its home:
axe-core finds no serious or critical violation, and at 390 px no page scrolls sideways (wide
tables scroll inside themselves). The API docs render without a console error.

Pages are found by following the links from each role's home (two levels deep); one page per URL
pattern is enough, since pages of a pattern share their template.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.e2e

AXE = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
ROLES = ("anonymous", "regulator", "director", "industry")
PAGES_PER_ROLE = 30
PHONE = {"width": 390, "height": 844}
# Not pages to read: files, the admin's own pages, the API, leaving the session.
SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/accounts/logout/", "/jsi18n/")
SKIPPED_SUFFIXES = (".pdf", ".xlsx", ".csv", ".json", ".xml", ".zip", ".png", ".svg")

RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
}"""

# The page scrolls sideways when its scrolling box is wider than the viewport.
SIDEWAYS = """() => {
    const doc = document.scrollingElement;
    if (doc.scrollWidth <= doc.clientWidth + 1) return null;
    const wide = [...document.body.querySelectorAll('*')].filter(e => {
        const r = e.getBoundingClientRect();
        return r.right > doc.clientWidth + 1 && !e.closest('table');
    }).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
    return `${doc.scrollWidth} px wide: ${wide.join(', ')}`;
}"""


def _pattern(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


def _wanted(base: str, href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme and f"{parts.scheme}://{parts.netloc}" != base:
        return None
    path = parts.path
    if path.startswith(SKIPPED_PREFIXES) or path.endswith(SKIPPED_SUFFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _login(context, live_server, world, role):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tests.conftest import ROLE_USERS  # noqa: PLC0415

    username = ROLE_USERS[role]
    if not username:
        return
    user = world["users"][username]
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )


def _walk(page, base: str) -> tuple[list[str], list[str]]:
    """Visit the pages reachable from home, one per URL pattern; return (visited, problems)."""
    queue, seen_patterns, visited, problems = ["/"], set(), [], []
    while queue and len(visited) < PAGES_PER_ROLE:
        path = queue.pop(0)
        pattern = _pattern(path.split("?")[0])
        if pattern is None or pattern in seen_patterns:
            continue
        seen_patterns.add(pattern)
        try:
            response = page.goto(base + path)
        except PlaywrightError:  # a link to a file: the download starts instead of a page
            continue
        if (
            response is None
            or response.status != 200
            or "html" not in response.headers.get("content-type", "")
        ):
            continue
        visited.append(path)
        page.add_script_tag(path=str(AXE))
        problems.extend(f"{path}: {v}" for v in page.evaluate(RUN_AXE))
        sideways = page.evaluate(SIDEWAYS)
        if sideways:
            problems.append(f"{path}: scrolls sideways at 390 px, {sideways}")
        for href in page.eval_on_selector_all(
            "a[href]:not([download])", "as => as.map(a => a.href)"
        ):
            wanted = _wanted(base, href)
            if wanted and wanted not in queue:
                queue.append(wanted)
    return visited, problems


@pytest.mark.django_db(transaction=True)
def test_axe_and_phone_width_on_every_page_each_role_reaches(live_server, browser, world):
    assert AXE.exists(), "npm install puts axe-core in node_modules"
    problems, counts = [], {}
    for role in ROLES:
        context = browser.new_context(viewport=PHONE, bypass_csp=True, locale="zh-CN")
        _login(context, live_server, world, role)
        page = context.new_page()
        visited, found = _walk(page, live_server.url)
        counts[role] = len(visited)
        problems.extend(f"[{role}] {p}" for p in found)
        context.close()
    print("pages checked per role:", counts)
    assert all(count >= 5 for count in counts.values()), counts
    assert not problems, "\n".join(problems)


def test_api_docs_render_without_console_error(live_server, browser, db):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    assert page.locator(".swagger-ui .opblock").count() > 50
    assert errors == []
    context.close()
