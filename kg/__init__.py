"""igkg: build a knowledge graph of Internet-governance mailing-list archives."""

__version__ = "0.1.0"
