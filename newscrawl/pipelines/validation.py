"""STUB (issue 3 replaces this): passes items through."""


class ValidationPipeline:
    def process_item(self, item):
        return item
