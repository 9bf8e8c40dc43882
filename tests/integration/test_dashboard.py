"""The scorecards page is served by the app with its own script and style, nothing from elsewhere."""

from __future__ import annotations

import re


def test_the_dashboard_page_and_its_assets(client, tables):
    page = client.http.get("/dashboard")
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    html = page.body.decode()
    assert 'id="key"' in html and 'type="password"' in html
    script = re.search(r'<script src="(dashboard\.js\?v=[0-9a-f]+)">', html).group(1)
    style = re.search(r'href="(dashboard\.css\?v=[0-9a-f]+)"', html).group(1)
    js = client.http.get("/" + script)
    css = client.http.get("/" + style)
    assert js.status_code == 200 and js.headers["Content-Type"].startswith("text/javascript")
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    assert "agency/stats?" in js.body.decode() and "sessionStorage" in js.body.decode()
    # no CDN, no other site: every URL in the page and script is relative
    for text in (html, js.body.decode(), css.body.decode()):
        assert "http://" not in text and "https://" not in text and "//cdn" not in text
