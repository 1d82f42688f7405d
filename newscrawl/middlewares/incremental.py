"""STUB (issue 3 replaces this): skip requests for articles already exported."""


class IncrementalMiddleware:
    def process_request(self, request, spider=None):
        return None
