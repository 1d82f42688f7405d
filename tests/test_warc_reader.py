"""WARC input from elsewhere: files built here in the shapes Common Crawl's CC-NEWS, wget and
Browsertrix write, with snapshot pages as payloads, read by `newscrawl.archive.reader.scan` and
re-extracted by `scrapy reextract` (a subprocess, no network).

Shapes: CC-NEWS (WARC/1.0, gzip per record, warcinfo + request/response/metadata, bodies stored
decoded with ``X-Crawler-Content-Encoding``), wget (plain WARC, ``WARC-Concurrent-To``, raw
``Transfer-Encoding: chunked`` and gzip bodies, a wrong ``Content-Length``, resource records,
a redirect), Browsertrix (WARC/1.1, a revisit), non-HTML payloads (image, JSON), another host,
a listing page, and a file cut in the middle of a record.
"""

import gzip
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from newscrawl.archive.reader import ArchiveError, read_http_response, scan
from newscrawl.items import ARTICLE_KEYS
from newscrawl.sites import get_site
from newscrawl.snapshot import load_expected
from newscrawl.snapshot.server import Snapshot

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = [a for a in load_expected()["articles"] if not a["paywalled"]]
NOT_COMPARED = {"layout", "section_path", "image_count", "image_credits", "sources",
                "from_feed"}
SNAPSHOT = Snapshot()
DATE = "2026-11-30T06:{:02d}:07Z"
FIRST_DATE = DATE.format(0)


def page(article):
    _, entry = SNAPSHOT.resolve(article["url"])
    return SNAPSHOT.read(entry)


def rid():
    return f"<urn:uuid:{uuid.uuid4()}>"


def record(kind, uri, block, version="WARC/1.0", record_id=None, date=FIRST_DATE,
           content_type=None, **extra):
    headers = {"WARC-Type": kind, "WARC-Record-ID": record_id or rid(), "WARC-Date": date}
    if uri:
        headers["WARC-Target-URI"] = uri
    headers.update({k.replace("_", "-"): v for k, v in extra.items()})
    if content_type:
        headers["Content-Type"] = content_type
    headers["Content-Length"] = str(len(block))
    head = version + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return head.encode() + block + b"\r\n\r\n"


def http(body, status="200 OK", headers=(("Content-Type", "text/html; charset=UTF-8"),),
         length=True):
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers)]
    if length is True:
        lines.append(f"Content-Length: {len(body)}")
    elif length:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def chunked(body, size=4000):
    out = b""
    for i in range(0, len(body), size):
        piece = body[i:i + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\n\r\n"


RESPONSE = "application/http; msgtype=response"
REQUEST = "application/http; msgtype=request"


def request_block(url):
    path = url.split("/", 3)[3]
    return f"GET /{path} HTTP/1.1\r\nHost: www.japantimes.co.jp\r\nUser-Agent: x\r\n\r\n".encode()


def cc_news(path, articles):
    """Common Crawl news: gzip per record; request, response, metadata for each capture."""
    members = [record("warcinfo", None, b"software: StormCrawler 1.18 https://stormcrawler.net/"
                      b"\r\nformat: WARC File Format 1.0\r\nisPartOf: CC-NEWS\r\n",
                      content_type="application/warc-fields", WARC_Filename=path.name)]
    for n, article in enumerate(articles):
        body = page(article)
        response_id = rid()
        members.append(record("request", article["url"], request_block(article["url"]),
                              content_type=REQUEST, date=DATE.format(n),
                              WARC_Concurrent_To=response_id))
        members.append(record(
            "response", article["url"], http(body, headers=(
                ("Content-Type", "text/html; charset=UTF-8"),
                ("X-Crawler-Content-Encoding", "gzip"),
                ("X-Crawler-Content-Length", str(len(gzip.compress(body)))))),
            record_id=response_id, content_type=RESPONSE, date=DATE.format(n),
            WARC_IP_Address="203.0.113.7", WARC_Identified_Payload_Type="text/html"))
        members.append(record("metadata", article["url"], b"fetchTimeMs: 412\r\n",
                              content_type="application/warc-fields", date=DATE.format(n),
                              WARC_Concurrent_To=response_id))
    # not articles of a known site, and not HTML
    members.append(record("response", "https://www.example.com/news/2023/11/24/story/",
                          http(page(articles[0])), content_type=RESPONSE))
    members.append(record("response", "https://www.japantimes.co.jp/wp-content/uploads/a.jpg",
                          http(b"\xff\xd8\xff\xe0" + b"\0" * 64,
                               headers=(("Content-Type", "image/jpeg"),)),
                          content_type=RESPONSE))
    members.append(record("response", articles[0]["url"] + "?format=json",
                          http(b'{"headline": "x"}',
                               headers=(("Content-Type", "application/json"),)),
                          content_type=RESPONSE))
    members.append(record("response", "https://www.japantimes.co.jp/news/national/",
                          http(b"<!doctype html><html><body>listing</body></html>"),
                          content_type=RESPONSE))
    path.write_bytes(b"".join(gzip.compress(m) for m in members))
    return path


def wget(path, chunked_article, wrong_length_article, gzip_article):
    """wget --warc-file: plain records here (wget gzips per record by default; the plain form
    is read too), request then response with WARC-Concurrent-To, bodies as received."""
    info_id = rid()
    out = [record("warcinfo", None, b"software: Wget/1.21.3 (linux-gnu)\r\nformat: WARC File "
                  b"Format 1.0\r\nrobots: classic\r\nwget-arguments: \"--warc-file=x\"\r\n",
                  record_id=info_id, content_type="application/warc-fields")]

    def exchange(url, block, n):
        request_id = rid()
        out.append(record("request", url, request_block(url), record_id=request_id,
                          content_type=REQUEST, date=DATE.format(n), WARC_Warcinfo_ID=info_id))
        out.append(record("response", url, block, content_type=RESPONSE, date=DATE.format(n),
                          WARC_Concurrent_To=request_id, WARC_Warcinfo_ID=info_id))

    body = page(chunked_article)
    exchange(chunked_article["url"], http(chunked(body), headers=(
        ("Content-Type", "text/html; charset=UTF-8"), ("Transfer-Encoding", "chunked")),
        length=False), 10)
    body = page(wrong_length_article)
    exchange(wrong_length_article["url"], http(body, length=1000), 11)  # says 1000 bytes
    body = page(gzip_article)
    exchange(gzip_article["url"], http(gzip.compress(body), headers=(
        ("Content-Type", "text/html; charset=UTF-8"), ("Content-Encoding", "gzip"))), 12)
    exchange("http://japantimes.co.jp/news/2023/11/24/japan/old-link/",
             http(b"", status="301 Moved Permanently",
                  headers=(("Location", chunked_article["url"]),)), 13)
    for name in ("MANIFEST.txt", "wget.log"):
        out.append(record("resource", f"metadata://gnu.org/software/wget/warc/{name}",
                          b"wget log line\n", content_type="text/plain",
                          WARC_Concurrent_To=info_id))
    path.write_bytes(b"".join(out))
    return path


def browsertrix(path, article):
    """Browsertrix: WARC/1.1, a revisit of a page captured before (no payload)."""
    members = [
        record("warcinfo", None, b"software: Browsertrix-Crawler 1.4.0 (with warcio.js 2.3)\r\n",
               version="WARC/1.1", content_type="application/warc-fields"),
        record("revisit", article["url"],
               b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n",
               version="WARC/1.1", content_type=RESPONSE,
               WARC_Profile="http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
               WARC_Refers_To_Target_URI=article["url"],
               WARC_Refers_To_Date="2026-11-29T06:00:00Z",
               WARC_Payload_Digest="sha256:" + "0" * 64),
    ]
    path.write_bytes(b"".join(gzip.compress(m) for m in members))
    return path


def truncated(path, whole, cut):
    """A whole capture, then one cut in the middle of its body (a download that died)."""
    first = record("response", whole["url"], http(page(whole)), content_type=RESPONSE,
                   date=DATE.format(20))
    second = gzip.compress(record("response", cut["url"], http(page(cut)),
                                  content_type=RESPONSE, date=DATE.format(21)))
    data = gzip.compress(first) + second[:len(second) // 2]
    path.write_bytes(data)
    return path, len(gzip.compress(first))


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("warcs")
    a = EXPECTED
    files = {
        "cc": cc_news(tmp / "CC-NEWS-20261130060000-00001.warc.gz", a[0:2]),
        "wget": wget(tmp / "wget.warc", a[2], a[3], a[4]),
        "browsertrix": browsertrix(tmp / "rec-browsertrix.warc.gz", a[0]),
    }
    files["cut"], cut_at = truncated(tmp / "cut.warc.gz", a[5], a[6])
    return tmp, files, cut_at, {
        "kept": [x["url"] for x in a[0:6]], "cut": a[6]["url"],
        "chunked": a[2], "wrong_length": a[3], "gzip": a[4]}


def test_scan_keeps_the_article_responses_and_says_why_it_skipped_the_rest(archives):
    _, files, cut_at, what = archives
    index = scan([str(f) for f in files.values()])
    assert [r.url for r in index.responses] == what["kept"]
    assert dict(index.skipped) == {
        "unknown_site": 1, "not_html": 2, "not_article_url": 1,  # CC-NEWS extras
        "redirect": 1, "resource": 2,                              # wget
        "revisit": 1,                                              # Browsertrix
        "truncated": 1,                                            # the cut file
    }
    assert dict(index.records) == {"warcinfo": 3, "request": 6, "response": 12,
                                   "metadata": 2, "resource": 2, "revisit": 1}
    assert index.truncated == [{"file": str(files["cut"]), "offset": cut_at,
                                "error": index.truncated[0]["error"]}]
    assert "missing" in index.truncated[0]["error"]
    assert index.sites == {"japantimes": 6}
    assert all(r.record_id.startswith("<urn:uuid:") for r in index.responses)


def test_a_url_captured_twice_keeps_its_latest_capture(archives):
    _, files, _, what = archives
    index = scan([str(files["cc"]), str(files["cc"])], site=get_site("japantimes"))
    assert index.skipped["superseded"] == 2
    assert [r.url for r in index.responses] == what["kept"][:2]
    assert [r.order for r in index.responses] == [7, 8]  # the second file's, read later


def test_bodies_come_back_as_sent_without_transfer_framing(archives):
    _, files, _, what = archives
    index = scan([str(files["wget"])])
    by_url = {r.url: r for r in index.responses}
    status, protocol, headers, body = read_http_response(
        str(files["wget"]), by_url[what["chunked"]["url"]].offset)
    assert (status, protocol) == (200, "HTTP/1.1")
    assert body == page(what["chunked"])
    names = [k.lower() for k, _ in headers]
    assert "transfer-encoding" not in names
    assert dict(headers)["Content-Length"] == str(len(body))
    _, _, headers, body = read_http_response(str(files["wget"]),
                                             by_url[what["wrong_length"]["url"]].offset)
    assert body == page(what["wrong_length"])  # the record's length wins over the header's
    assert dict(headers)["Content-Length"] == str(len(body))
    _, _, headers, body = read_http_response(str(files["wget"]),
                                             by_url[what["gzip"]["url"]].offset)
    assert dict(headers)["Content-Encoding"] == "gzip"  # decoded by Scrapy, as in a crawl
    assert gzip.decompress(body) == page(what["gzip"])


def test_missing_and_non_warc_files_are_refused(tmp_path):
    with pytest.raises(ArchiveError, match="no such file"):
        scan([str(tmp_path / "nope.warc.gz")])
    (tmp_path / "notes.txt").write_text("hello\n")
    with pytest.raises(ArchiveError, match="not a WARC file"):
        scan([str(tmp_path / "notes.txt")])
    (tmp_path / "empty.warc").write_bytes(b"")
    with pytest.raises(ArchiveError, match="not a WARC file"):
        scan([str(tmp_path / "empty.warc")])


def reextract(*args, cwd=ROOT):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
    return subprocess.run([sys.executable, "-m", "scrapy", "reextract", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120)


def test_reextract_others_warcs_gives_the_snapshot_records(archives, tmp_path):
    _, files, cut_at, what = archives
    paths = [str(f) for f in files.values()]
    proc = reextract(*paths, "-O", str(tmp_path / "feed.jsonl"),
                     "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = [json.loads(x) for x in (tmp_path / "feed.jsonl").read_text().splitlines()]
    assert sorted(r["url"] for r in records) == sorted(what["kept"])
    expected = {a["url"]: a for a in EXPECTED}
    index = {r.url: r for r in scan(paths).responses}
    for record in records:
        assert tuple(record) == ARTICLE_KEYS
        article = expected[record["url"]]
        for key in sorted(set(article) - NOT_COMPARED):
            assert record[key] == article[key], (record["url"], key)
        entry = index[record["url"]]
        assert record["archive"] == {"warc_file": entry.warc_file,
                                     "record_id": entry.record_id, "offset": entry.offset}
        assert record["crawled_at"] == entry.date.strftime("%Y-%m-%dT%H:%M:%SZ")
    report = json.loads((tmp_path / "feed.report.json").read_text())
    read = report["archive"]["read"]
    assert read["files"] == paths
    assert read["skipped"]["revisit"] == 1 and read["skipped"]["not_html"] == 2
    assert read["truncated"][0]["offset"] == cut_at
    assert f"WARC file {files['cut']} is cut at offset {cut_at}" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing.warc.gz", "no such file"),
    (lambda d: (d / "page.html").write_text("<html></html>") and d / "page.html",
     "not a WARC file"),
])
def test_reextract_refuses_bad_input_with_one_error_line(tmp_path, make, message):
    path = make(tmp_path)
    proc = reextract(str(path), "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ERROR: ") and message in lines[0], lines
    assert "Traceback" not in proc.stderr


GENERIC_PAGES = ROOT / "tests" / "pages" / "generic"
RIVERSIDE = "https://www.riverside-gazette.com/2024/03/05/council-approves-mill-river-bridge/"
LEDGER = "https://news.northernledger.co.uk/climate/2025/07/15/heatwave-grid-record-demand"


def test_reextract_generic_reads_hosts_without_a_module(archives, tmp_path):
    # a crawl of other outlets, in Common Crawl's shape: two articles, a tag page and a home
    # page of sites without a module, and one Japan Times article
    jt = EXPECTED[0]
    captures = [
        (RIVERSIDE, (GENERIC_PAGES / "wordpress_article.html").read_bytes()),
        (LEDGER, (GENERIC_PAGES / "modern_jsonld_article.html").read_bytes()),
        ("https://www.riverside-gazette.com/tag/transport/",
         (GENERIC_PAGES / "tag.html").read_bytes()),
        ("https://www.riverside-gazette.com/", (GENERIC_PAGES / "home.html").read_bytes()),
        (jt["url"], page(jt)),
    ]
    path = tmp_path / "CC-NEWS-other-outlets.warc.gz"
    members = [record("warcinfo", None, b"isPartOf: CC-NEWS\r\n",
                      content_type="application/warc-fields")]
    for n, (url, body) in enumerate(captures):
        members.append(record("response", url, http(body), content_type=RESPONSE,
                              date=DATE.format(n)))
    path.write_bytes(b"".join(gzip.compress(m) for m in members))
    # without --generic only the Japan Times page is read
    proc = reextract(str(path), "--fresh", "-O", str(tmp_path / "jt.jsonl"),
                     "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [json.loads(x)["url"] for x in (tmp_path / "jt.jsonl").read_text().splitlines()] \
        == [jt["url"]]
    proc = reextract(str(path), "--generic", "-O", str(tmp_path / "all.jsonl"),
                     "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = {r["url"]: r for r in map(json.loads,
                                         (tmp_path / "all.jsonl").read_text().splitlines())}
    assert sorted(records) == sorted([RIVERSIDE, LEDGER, jt["url"]])
    assert records[jt["url"]]["extraction"] == "site:japantimes"
    assert records[jt["url"]]["headline"] == jt["headline"]
    riverside, ledger = records[RIVERSIDE], records[LEDGER]
    assert (riverside["extraction"], riverside["site"]) == ("generic", "riverside-gazette.com")
    assert riverside["headline"] == "Council approves new bridge over the Mill River"
    assert riverside["authors"] == ["Maria Lopez", "Tom Becker"]
    assert ledger["headline"] == "Heatwave pushes grid to the limit as demand hits record"
    assert ledger["authors"] == ["Priya Natarajan", "Owen Hughes"]
    assert all(r["archive"]["warc_file"] == path.name or r["archive"]["warc_file"] == str(path)
               for r in records.values())
    # the tag page was refused with its reason; the home page is no article URL at all
    report = json.loads((tmp_path / "all.report.json").read_text())
    assert report["dropped"]["by_reason"] == {"listing": 1}, report["dropped"]
    assert report["archive"]["read"]["skipped"] == {"not_article_url": 1}
    assert "--generic reads every host" in reextract(str(path), "--generic", "--spider",
                                                     "japantimes").stderr


def test_the_replay_answers_captures_in_order_and_404_otherwise(archives, tmp_path):
    import urllib.error
    import urllib.request

    from newscrawl.archive.replay import ReplayServer

    _, files, _, what = archives
    article = what["chunked"]
    # a second file where the same page was captured again later with a 503 first
    retried = tmp_path / "retried.warc"
    retried.write_bytes(
        record("response", article["url"], http(b"busy", status="503 Service Unavailable"),
               content_type=RESPONSE, date=DATE.format(30))
        + record("response", article["url"], http(page(article)), content_type=RESPONSE,
                 date=DATE.format(31)))
    path = "/" + article["url"].split("/", 3)[3]
    with ReplayServer([str(retried), str(files["wget"])]) as server:
        def get(target):
            try:
                with urllib.request.urlopen(server.url + target, timeout=10) as answer:
                    return answer.status, answer.headers, answer.read()
            except urllib.error.HTTPError as error:
                return error.code, error.headers, error.read()

        statuses = [get(path)[0] for _ in range(4)]
        assert statuses == [503, 200, 200, 200]  # retried.warc first, then wget's, the last repeats
        status, headers, body = get(path)
        assert body == page(article) and headers["Transfer-Encoding"] is None
        assert get("/news/2099/01/01/nowhere/")[0] == 404


def test_the_replay_cli_refuses_a_file_that_is_not_a_warc(tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n")
    proc = subprocess.run([sys.executable, "-m", "newscrawl.snapshot", "serve", "--warc",
                           str(tmp_path / "notes.txt")], cwd=ROOT, capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 2
    assert "not a WARC file" in proc.stderr and "Traceback" not in proc.stderr
