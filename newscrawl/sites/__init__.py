"""The sites newscrawl knows, by name. Adding a site: a module here with a ``SITE``."""

from urllib.parse import urlsplit

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
