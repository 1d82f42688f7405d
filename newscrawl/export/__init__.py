"""Records -> feeds: the per-run feed's name (``feeds``) and its atomic storage (``storage``)."""
