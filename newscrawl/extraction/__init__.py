"""Pages -> records: a fetched page becomes an article item.

``article`` (page -> item), ``specs`` (how a site's selectors run), ``loaders`` (the
ItemLoader), ``processors`` (text, names, captions), ``dates`` (every date parsed),
``pagechecks`` (bot wall, cut page, blank page).
"""
