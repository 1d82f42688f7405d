"""STUB (issue 3 replaces this): passes items through."""


class DuplicatesPipeline:
    def process_item(self, item):
        return item
