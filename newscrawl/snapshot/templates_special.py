"""Pages that are not articles: the Cloudflare bot wall, a server error, robots.txt."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"

ROBOTS_TXT = """\
# robots.txt for www.japantimes.co.jp
#
# INVENTED for the newscrawl offline snapshot: no copy of the site's real robots.txt was
# found, so this one is a plausible stand-in, not the site's file. It lets crawlers reach the
# sections and articles and keeps them out of search, admin, API and account pages.

User-agent: *
Disallow: /search/
Disallow: /search-results/
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php
Disallow: /wp-login.php
Disallow: /api/
Disallow: /login/
Disallow: /members/
Disallow: /mypage/
Disallow: /preview/
Disallow: /cdn-cgi/
Disallow: /*?s=
Disallow: /*&s=

User-agent: GPTBot
Disallow: /

User-agent: CCBot
Disallow: /

Sitemap: https://www.japantimes.co.jp/sitemap_index.xml
Sitemap: https://www.japantimes.co.jp/news-sitemap.xml
"""


def server_error_page():
    return (
        "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>500 Internal Server Error</title>\n"
        "<style>body{font-family:Georgia,serif;color:#333;margin:4em auto;max-width:40em}"
        "h1{font-size:1.6em}</style>\n</head>\n<body id=\"error-page\">\n"
        "<h1>500 Internal Server Error</h1>\n"
        "<p>The server encountered an internal error and was unable to complete your "
        "request. Please try again later.</p>\n<hr>\n<p><a href=\"/\">The Japan Times</a></p>\n"
        "</body>\n</html>\n"
    )


def cloudflare_challenge_page(path, ray="82b5d7c1fb3a8f21"):
    """A Cloudflare managed-challenge page ("Just a moment..."), as served with status 403."""
    template = (TEMPLATES / "cloudflare-challenge.html").read_text(encoding="utf-8")
    return template.replace("@@PATH@@", path).replace("@@RAY@@", ray)
