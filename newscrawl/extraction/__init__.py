"""Pages -> records: a fetched page becomes an article item.

``article`` (page -> item: the site module's selectors, then the generic layer), ``specs``
(how a site's selectors run), ``loaders`` (the ItemLoader), ``processors`` (text, names,
captions), ``dates`` (every date parsed), ``pagechecks`` (bot wall, cut page, blank page),
``structured`` (JSON-LD, meta tags, microdata), ``generic`` (the generic rules, one function
each), ``generic_article`` (the generic layer filling an item, refusing non-articles),
``errors`` (``NotAnArticle``).
"""
