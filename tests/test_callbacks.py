"""Scrapy's per-response check for generator callbacks that return a value is off
(``WARN_ON_GENERATOR_RETURN_VALUE``, settings.py: it cost 0.6 ms per article), so the same
check runs here, once, over every callback of every spider the project ships: a ``return x``
in a generator callback would silently drop ``x``."""

import inspect
import os
from pathlib import Path

import pytest
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import is_generator_with_return_value
from scrapy.utils.project import get_project_settings

ROOT = Path(__file__).resolve().parents[1]


def project_settings():
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        return get_project_settings()
    finally:
        os.chdir(old)


def shipped_spiders():
    from newscrawl.archive.spider import GenericArchiveSpider

    loader = SpiderLoader.from_settings(project_settings())
    spiders = [loader.load(name) for name in loader.list()]
    return spiders + [GenericArchiveSpider]


def generator_methods(spidercls):
    for name, member in inspect.getmembers(spidercls, inspect.isfunction):
        if inspect.isgeneratorfunction(member):
            yield name, member


def test_scrapys_per_response_check_is_off():
    assert project_settings().getbool("WARN_ON_GENERATOR_RETURN_VALUE", True) is False


def test_the_project_ships_the_spiders_this_checks():
    names = {spider.name for spider in shipped_spiders()}
    assert {"japantimes", "news"} <= names
    methods = {name for spider in shipped_spiders() for name, _ in generator_methods(spider)}
    assert {"parse_article", "parse_listing", "parse_sitemap", "parse_feed"} <= methods


@pytest.mark.parametrize("spidercls", shipped_spiders(), ids=lambda cls: cls.__name__)
def test_no_generator_callback_returns_a_value(spidercls):
    returning = [name for name, method in generator_methods(spidercls)
                 if is_generator_with_return_value(method)]
    assert returning == []


def test_the_check_finds_a_generator_that_returns_a_value():
    # the check above can fail: the same function flags a callback written wrongly
    def parse(response):
        yield {"url": response.url}
        return {"lost": True}

    assert is_generator_with_return_value(parse)
