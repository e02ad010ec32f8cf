"""The REST API beside the pages: the same permission loaders and services."""
