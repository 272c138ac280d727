"""The canonical registry of 科学技术协会 units and fuzzy matching of report unit names to it."""
