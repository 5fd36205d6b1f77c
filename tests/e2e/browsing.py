"""What every end-to-end journey does the same way: sign a person in through the portal's sign-in page."""

from __future__ import annotations

import re


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
