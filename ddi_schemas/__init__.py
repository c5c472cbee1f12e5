"""The official DDI-Lifecycle XSDs (located, verified, compiled once, offline) and the catalogue's profile."""
