"""What every end-to-end journey does the same way: sign a person in through the portal's sign-in page, and check
each page it opens with axe-core at desktop and phone widths (``audit``; ``conftest.py`` runs it after every
``page.goto`` of every test here)."""

from __future__ import annotations

import re
from pathlib import Path


def sign_in(browser, base: str, username: str, password: str, *, width: int = 1280, next_path: str = "",
            accept_downloads: bool = False):
    """A new browser context (its own cookies) signed in as ``username``; returns its page (``page.context`` is the
    context), on the page the sign-in led to."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN",
                                  accept_downloads=accept_downloads)
    page = context.new_page()
    page.goto(base + "/dang-nhap/" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_url(re.compile(r"^(?!.*/dang-nhap/)"))
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    return page


# Accessibility (issue 14 point 13) -------------------------------------------------------------------------------

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"  # axe-core from the npm registry, no CDN
WIDTHS = (1280, 390)


def axe_violations(page) -> list[dict]:
    """axe-core's violations (WCAG 2.1 A/AA and best practices) on the page as it is now."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")


def audit(page, found: list[str] | None = None) -> list[str]:
    """axe on the page at desktop and phone widths (the page's own width first, then the other; its size is put
    back). Returns the violations as readable lines; with ``found``, appends them there instead of raising."""
    size = page.viewport_size or {"width": 1280, "height": 900}
    lines: list[str] = []
    try:
        for width in sorted(WIDTHS, key=lambda w: w != size["width"]):
            if width != page.viewport_size["width"]:
                page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
            lines.extend(f"{page.url} at {width} px: {v['id']} ({v['impact']}) {v['help']} — {', '.join(v['nodes'])}"
                         for v in axe_violations(page))
    finally:
        if page.viewport_size != size:
            page.set_viewport_size(size)
    if found is not None:
        found.extend(lines)
    elif lines:
        raise AssertionError("axe-core found accessibility problems:\n" + "\n".join(lines))
    return lines


def is_html(response) -> bool:
    """A page a person reads: an HTML answer (not a PDF, a download or JSON)."""
    return response is not None and "text/html" in (response.headers.get("content-type") or "")
