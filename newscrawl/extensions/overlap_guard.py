"""STUB (issue 4 replaces this): the per-site run lock."""


class OverlapGuard:
    pass
