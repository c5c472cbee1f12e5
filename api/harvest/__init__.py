"""Harvesting: schema.org JSON-LD, DCAT-AP 3, OAI-PMH 2.0, CSV downloads and their routes."""
