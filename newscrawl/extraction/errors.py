"""Why a page gives no article."""


class NotAnArticle(Exception):
    """The page is not an article to export; ``reason`` is a short stats key (``botwall``,
    ``truncated``, ``not_article``, ``listing``, ``error_page``, ...), ``detail`` says more."""

    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
