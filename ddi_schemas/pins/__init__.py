"""SHA-256 of every file of each official DDI-L schema release (`<version>.sha256.txt`, sha256sum format)."""
