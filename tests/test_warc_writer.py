"""The WARC writer's parts: records as received, rotation, a killed run's file recovered."""

import gzip

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from newscrawl.archive import ARCHIVE_META, FETCHED_AT_META
from newscrawl.archive.writer import (
    WarcWriterMiddleware,
    complete_length,
    recover_open_file,
    response_http_headers,
)

PAGE = b"<!doctype html><html><head><title>x</title></head><body><p>Hello</p></body></html>"


class NewsSpider(Spider):
    name = "news"


def middleware(tmp_path, **settings):
    crawler = get_crawler(NewsSpider, {"NEWSCRAWL_WARC_DIR": str(tmp_path), **settings})
    spider = NewsSpider()
    spider.newscrawl_run_id = "RUN"
    mw = WarcWriterMiddleware.from_crawler(crawler)
    mw.spider_opened(spider)
    return mw, spider


def fetch(mw, url, body=PAGE, headers=None):
    request = Request(url, headers={"User-Agent": "newscrawl-test"})
    response = HtmlResponse(url, body=body, request=request, protocol="HTTP/1.1",
                            headers=headers or {"Content-Type": "text/html"})
    assert mw.process_response(request, response) is response
    return request


def read(path):
    with open(path, "rb") as f:
        iterator = ArchiveIterator(f)
        out = []
        for record in iterator:
            out.append((record.rec_type, record.rec_headers, record.http_headers,
                        record.raw_stream.read() if record.http_headers else b""))
        return out


def test_off_unless_a_directory_is_set():
    with pytest.raises(NotConfigured):
        WarcWriterMiddleware.from_crawler(get_crawler(NewsSpider, {}))


def test_the_body_is_kept_as_received_and_the_request_names_its_record(tmp_path):
    mw, spider = middleware(tmp_path)
    compressed = gzip.compress(PAGE)
    request = fetch(mw, "https://www.example.com/a/", body=compressed,
                    headers={"Content-Type": "text/html", "Content-Encoding": "gzip",
                             "Content-Length": str(len(compressed))})
    archive = request.meta[ARCHIVE_META]
    assert archive["warc_file"] == "news_RUN-00000.warc.gz"
    assert request.meta[FETCHED_AT_META].tzinfo is not None
    mw.spider_closed(spider, "finished")
    records = read(tmp_path / archive["warc_file"])
    assert [r[0] for r in records] == ["warcinfo", "response", "request"]
    _, headers, http, payload = records[1]
    assert headers.get_header("WARC-Record-ID") == archive["record_id"]
    assert http.get_header("Content-Encoding") == "gzip"
    assert payload == compressed  # still compressed: as the site sent it
    _, headers, http, _ = records[2]
    assert headers.get_header("WARC-Concurrent-To") == archive["record_id"]
    assert http.get_header("User-Agent") == "newscrawl-test"
    with open(tmp_path / archive["warc_file"], "rb") as f:
        f.seek(archive["offset"])
        assert next(iter(ArchiveIterator(f))).rec_type == "response"


def test_files_rotate_at_the_size_limit_and_close_on_the_way(tmp_path):
    mw, spider = middleware(tmp_path, NEWSCRAWL_WARC_MAX_BYTES=1)
    names = [fetch(mw, f"https://www.example.com/{n}/").meta[ARCHIVE_META]["warc_file"]
             for n in range(3)]
    assert names == [f"news_RUN-0000{n}.warc.gz" for n in range(3)]
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # closed, not .open
    mw.spider_closed(spider, "finished")
    for name in names:
        assert [r[0] for r in read(tmp_path / name)] == ["warcinfo", "response", "request"]


def test_a_chunked_answer_is_recorded_with_its_length():
    response = HtmlResponse("https://www.example.com/", body=PAGE, headers={
        "Transfer-Encoding": "chunked", "Content-Type": "text/html"})
    http = response_http_headers(response)
    assert http.get_header("Transfer-Encoding") is None
    assert http.get_header("Content-Length") == str(len(PAGE))
    assert http.statusline == "200 OK"


def test_a_torn_last_record_is_cut_off_and_the_file_renamed(tmp_path):
    mw, spider = middleware(tmp_path)
    fetch(mw, "https://www.example.com/whole/")
    path = mw.series.open_path
    whole = path.stat().st_size
    torn = gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + b"x" * 5000)
    with open(path, "ab") as f:
        f.write(torn[: len(torn) // 2])
    assert complete_length(path) == whole
    final, cut = recover_open_file(path)
    assert final == tmp_path / "news_RUN-00000.warc.gz" and cut == len(torn) // 2
    assert not path.exists()
    assert [r[0] for r in read(final)] == ["warcinfo", "response", "request"]
