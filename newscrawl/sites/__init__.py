"""The sites newscrawl knows, by name. Adding a site: a module here with a ``SITE``."""

from urllib.parse import urlsplit

from newscrawl.sites.base import generic_site
from newscrawl.sites.japantimes import SITE as JAPANTIMES

SITES = {site.name: site for site in (JAPANTIMES,)}


def get_site(name):
    try:
        return SITES[name]
    except KeyError:
        raise KeyError(f"unknown site {name!r}; known: {', '.join(sorted(SITES))}") from None


def site_for_url(url):
    """The site that owns the URL's host, or None."""
    host = urlsplit(url).hostname
    for site in SITES.values():
        if site.owns_host(host):
            return site
    return None


def site_or_generic(url):
    """The site module that owns the URL's host, else a generic ``Site`` for that host."""
    return site_for_url(url) or generic_site(urlsplit(url).hostname)


def site_for_record(name, url):
    """The site a record names: a module by its name, else the generic site of its URL's
    host (a record of a site without a module names the host's registrable name)."""
    return SITES.get(name) or site_or_generic(url or "")
