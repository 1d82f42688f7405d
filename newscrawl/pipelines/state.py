"""STUB (issue 3 replaces this): passes items through."""


class StatePipeline:
    def process_item(self, item):
        return item
