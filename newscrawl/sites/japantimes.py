"""The Japan Times (https://www.japantimes.co.jp), as data.

Two layouts are live in the wild and in the snapshot: the WordPress theme (2013-2021 archive
pages, e.g. the real 2020 page in the snapshot) and the current CMS (2023 pages). Selectors
list both; the first that matches wins. Evidence for every selector: docs/snapshot.md and the
markup notes it summarises.
"""

from newscrawl.sites.base import Listing, Site

SITE = Site(
    name="japantimes",
    label="The Japan Times",
    hosts=("www.japantimes.co.jp", "japantimes.co.jp"),
    language="en",
    timezone="Asia/Tokyo",
    sections={
        "news/national": "National",
        "news/asia-pacific": "Asia Pacific",
        "news/japan": "Japan",
        "business": "Business",
        "news/world": "World",
        "news/crime-legal": "Crime & Legal",
        "opinion": "Opinion",
        "life": "Life",
        "culture": "Culture",
        "sports": "Sports",
        "environment": "Environment",
    },
    # The main news sections: what a plain `scrapy crawl japantimes` covers.
    default_sections=("news/japan", "news/asia-pacific", "news/national", "business"),
    # /news/2020/02/18/national/crime-legal/slug/ and /business/2023/11/24/slug/
    article_path=(
        r"^/(?:news|business|opinion|life|culture|sports|environment|community)"
        r"/(?P<year>\d{4})/(?P<month>\d{2})/(?P<day>\d{2})/(?:[a-z0-9-]+/)+$"
    ),
    listings=(
        # WordPress: <article class="archive_story"> ... <hgroup><p><a href=absolute>
        Listing(
            teaser="article.archive_story",
            teaser_link="hgroup p > a::attr(href)",
            teaser_date="span.right.date::text",
            next_page="div.pagination a.next.page-numbers::attr(href)",
        ),
        # Current: <div class="jt-section-articles"><div class="article"><h2 class=article-title>
        Listing(
            teaser="div.jt-section-articles div.article",
            teaser_link="h2.article-title a::attr(href)",
            teaser_date="div.article-date::text",
            next_page="div.pagination a.next::attr(href)",
        ),
    ),
    # Current CMS: the details column (the sidebar beside it lists other stories).
    # WordPress: the <article> in the main column (photos, header, body, keywords).
    article_block=(
        "main#main-content div.jt-article-details",
        "article[role=main]",
    ),
    selectors={
        "headline": (
            "h1.title-article",
            "article[role=main] header hgroup h1",
            "article h1",
            "meta:og:title",
            "page:title",
        ),
        "section_links": (
            "div.jt-article-details div.article-section a",
            "h3.single-post-categories a",
        ),
        "description": (
            "h2.article-description",
            "meta:description",
            "meta:og:description",
        ),
        "authors": (
            "div.jt-article-details div.byline a",
            "h5.writer a",
        ),
        "credit": (
            "div.jt-article-details div.byline span.credit",
            "article[role=main] header p.credit",
        ),
        "dateline": ("div#jtarticle span.dateline",),
        "published_text": (
            "div.jt-article-details div.publish-date",
            "li.post_time > time",
        ),
        "modified_text": (
            "div.jt-article-details div.update-date",
            "xpath:.//div[@id='article_history']//li[contains(., 'Last Modified')]",
        ),
        "article_id": (
            "input#cms_article_id::attr(value)",
            "meta:cXenseParse:articleid",
            "xpath:substring-after(/html/body/@class[contains(., 'postid-')], 'postid-')",
            "xpath:substring-after(//link[@rel='shortlink']/@href, '?p=')",
        ),
        "tags": (
            "div.jt-article-details div.article-tags a",
            "meta:article:tag",
            "xpath:.//div[contains(@class,'section_title')][h2='KEYWORDS']"
            "/following-sibling::p[1]/a[@rel='tag']",
        ),
        # Photos: <a class="fresco" href=full-size data-fresco-caption="Caption | CREDIT">.
        "images": (
            "div.jt-article-details div.article-image-gallery a.fresco",
            "div#slideshow_and_video a.fresco",
            "article[role=main] div.attachments a.fresco",
        ),
        # The body: the current CMS nests .article-body in #jtarticle; WordPress's is #jtarticle.
        "body": ("div#jtarticle div.article-body", "div#jtarticle"),
    },
    boilerplate_blocks={
        "ad": ("div.jt_content_ad", "div[id^=div-gpt-ad]", "div.article_footer_ad",
               "div.OUTBRAIN", "#taboola-below-article-thumbnails"),
        "share_bar": ("ul.single-sns-area", "div.share-tools"),
        "related_stories": ("div.content-related-stories", "div.related-stories"),
        "latest_stories": ("div.jt-latest-stories", "div.latest-stories"),
        "join_the_conversation": ("div.join-the-conversation",),
        "take5_promo": ("div.with-take5",),
        "paywall_notice": ("div.paywall-prompt",),
        "comment_notice": ("div.comment-notice", "#disqus_thread"),
        "listen_to_article": ("div.listen-article",),
        "photo_gallery": ("div.attachments", "p.enlarge"),
        "keywords": ("div.article-tags",),
        "promo": ("div.coronavirus-banner", "ul.basic-footer-menu", "div.entry-hr",
                  "div.newsletter-signup", "div.jt-podcast-promo"),
    },
    boilerplate_text={
        "ad": r"advertisement",
        "listen_to_article": r"listen to this article( \(\d+ min\))?",
        "related_stories": r"related stories",
        "latest_stories": r"latest( [a-z &-]+)? stories",
        "join_the_conversation": r"join the conversation",
        "take5_promo": r"(get the best of the japan times )?in five easy pieces with take 5.*",
        "photo_gallery": r"(photos|click to enlarge)",
        "keywords": r"(keywords:?|[,\s]+)",
        "paywall_notice": r"(subscribe now|.*by subscribing, you can help us get the story "
                          r"right.*)",
        "comment_notice": r"your subscription plan doesn.t allow commenting.*",
        "reading_time": r"\(\d+ min\)",
    },
    headline_suffixes=(" | The Japan Times", " - The Japan Times", " | Japan Times"),
    author_placeholders=(
        "No Author", "The Japan Times", "Japan Times", "Staff writer", "Staff writers",
        "Staff report", "Contributing writer", "Kyodo", "Jiji", "JIJI", "Reuters", "AFP",
        "AFP-JIJI", "AP", "Bloomberg", "Kyodo News", "Jiji Press",
    ),
    botwall_markers=("Just a moment...", "cf-chl", "challenge-platform",
                     "Checking your browser before accessing"),
    paywall_markers=("div.article-body.blurred-text", "div#jtarticle ~ div.paywall-prompt",
                     "div.paywall-prompt",
                     # body.article-page--premium, by its path: "page:body..." would test
                     # every element of the page for being the body
                     "xpath:/html/body[contains(concat(' ', normalize-space(@class), ' '), "
                     "' article-page--premium ')]"),
    min_byline_coverage=60,
    # Discovery. /feed/ is live and read by production feed readers (2023 copy in the
    # snapshot); per-section feed URLs are not attested, so the WordPress form is tried and a
    # 404 only logged. Sitemaps come from robots.txt's Sitemap: lines (none is attested for the
    # current site; the old news-sitemapN.xml files are stale).
    feeds=("/feed/",),
    section_feeds=("/{section}/feed/",),
    sitemap_period=r"-(?P<year>\d{4})(?:-(?P<month>\d{2}))?\.xml",
    url_sections=(
        (r"^/news/\d{4}/\d{2}/\d{2}/(?P<sub>[a-z0-9-]+)/", "news/{sub}"),
        (r"^/(?P<top>[a-z0-9-]+)/\d{4}/\d{2}/\d{2}/", "{top}"),
    ),
    # <guid isPermaLink="false">https://www.japantimes.co.jp/article/604767/</guid>
    feed_article_id=r"/article/(\d+)/?$",
)
