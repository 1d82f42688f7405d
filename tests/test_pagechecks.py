"""newscrawl.extraction.pagechecks: the one judgement of bot walls, cut pages and blank pages."""

from scrapy.http import HtmlResponse, Response

from newscrawl.extraction.pagechecks import is_blank, is_botwall, is_truncated
from newscrawl.middlewares.retry import is_truncated as retry_is_truncated
from newscrawl.sites import get_site

URL = "https://www.japantimes.co.jp/news/2023/11/24/japan/x/"
SITE = get_site("japantimes")
WALL = b"<html><head><title>Just a moment...</title></head><body></body></html>"


def html(body, charset="utf-8", status=200):
    return HtmlResponse(URL, status=status, body=body,
                        headers={"Content-Type": f"text/html; charset={charset}"})


def test_a_utf16_page_that_ends_is_not_truncated():
    page = "<html><body><p>東京</p></body></html>".encode("utf-16")
    assert b"</html>" not in page  # what a bytes check would have called cut
    assert not is_truncated(html(page, "utf-16"))
    assert not retry_is_truncated(html(page, "utf-16"))
    assert is_truncated(html("<html><body><p>東京".encode("utf-16"), "utf-16"))


def test_truncated_is_about_the_tail_and_ignores_blank_and_non_text():
    assert is_truncated(html(b"<html><body><p>cut mid-sentence"))
    assert not is_truncated(html(b"<html><body></body></HTML>\n"))
    # </html> quoted early by a script does not make a cut page whole
    assert is_truncated(html(b"<html><script>x='</html>'</script>" + b"<p>text</p>" * 1000))
    assert not is_truncated(html(b"  \n\xef\xbb\xbf "))
    assert not is_truncated(Response(URL, body=b"User-agent: *"))
    assert not retry_is_truncated(html(b"<p>cut", status=500))  # errors are retried as such


def test_botwall_by_its_markers_whatever_the_status_or_response_class():
    assert is_botwall(html(WALL, status=403), SITE)
    assert is_botwall(html(WALL, status=200), SITE)
    assert is_botwall(Response(URL, status=503, body=WALL), SITE)  # not text: bytes decoded
    assert is_botwall(html(WALL.decode().encode("utf-16"), "utf-16"), SITE)
    assert not is_botwall(html(b"<html><title>Losing face</title></html>", status=503), SITE)
    # only the top of the page counts: an article quoting the phrase deep down is no wall
    assert not is_botwall(html(b"<html><body>" + b"<p>text</p>" * 3000
                               + b"<p>Just a moment...</p></body></html>"), SITE)


def test_blank():
    assert is_blank(" \n\ufeff\x00\t")
    assert is_blank("")
    assert not is_blank("  <p>")
