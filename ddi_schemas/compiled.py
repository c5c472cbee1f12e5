"""The official XSDs compiled once per version, from verified files on disk, with the network out of reach."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from ddi_schemas.locate import unavailable, verify_root, verify_version
from ddi_schemas.releases import VERSIONS, release
from ddi_schemas.vocabulary import Vocabulary, derive_vocabulary


class _LocalFilesOnly(etree.Resolver):
    """Lets the schema parser load files inside its own folder and nothing else (no http, no ftp)."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder.resolve()
        self.refused: list[str] = []

    def resolve(self, url: str | None, pubid: str | None, context: object) -> None:
        if url is None:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("", "file"):
            self.refused.append(url)
            raise OSError(f"refused to fetch {url}: DDI-L schemas are loaded from local files only")
        path = Path(unquote(parts.path) if parts.scheme == "file" else url).resolve()
        if not path.is_relative_to(self.folder):
            self.refused.append(url)
            raise OSError(f"refused to load {url}: it is outside the schema folder {self.folder}")
        return None  # the default loader reads the local file (no_network stays on)


def compile_schema(path: Path) -> etree.XMLSchema:
    """Compile an XSD from a real path (its relative imports resolve beside it), refusing any remote load."""
    resolver = _LocalFilesOnly(path.parent)
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, huge_tree=False)
    parser.resolvers.add(resolver)
    try:
        document = etree.parse(str(path), parser)
        return etree.XMLSchema(document)
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as error:
        reason = f"refused to load {resolver.refused[0]}" if resolver.refused else str(error).splitlines()[0]
        raise unavailable(f"{path} does not compile ({reason})") from error


class SchemaSet:
    """The official DDI-L XSDs under one root (`3.1/`, `3.2/`, `3.3/`), verified and compiled on first use.

    One instance is meant to be shared by the whole process: each version is verified and compiled once,
    under a lock. Streaming validation then runs in many threads at once (each parser keeps its own
    error log); whole-tree validation of one version takes turns (see `validate_tree`).
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()
        self._tree_locks = {version: threading.Lock() for version in VERSIONS}
        self._folders: dict[str, Path] = {}
        self._validators: dict[str, etree.XMLSchema] = {}
        self._vocabularies: dict[str, Vocabulary] = {}

    def __repr__(self) -> str:
        return f"SchemaSet({str(self.root)!r})"

    def _folder(self, version: str) -> Path:
        folder = self._folders.get(version)
        if folder is None:
            folder = self._folders[version] = verify_version(self.root, version)
        return folder

    def validator(self, version: str) -> etree.XMLSchema:
        """The compiled `<root>/<version>/instance.xsd`, which accepts any DDI-L global element as root."""
        release(version)
        schema = self._validators.get(version)
        if schema is None:
            with self._lock:
                schema = self._validators.get(version)
                if schema is None:
                    schema = compile_schema(self._folder(version) / "instance.xsd")
                    self._validators[version] = schema
        return schema

    def validate_tree(self, version: str, tree: etree._ElementTree | etree._Element) -> list[etree._LogEntry]:
        """Every XSD error of a whole tree, with libxml2's lines and paths.

        An XMLSchema keeps one error log for all its callers, so whole-tree validations of one version
        take turns; streaming validation needs no such lock (each parser has its own log).
        """
        schema = self.validator(version)
        with self._tree_locks[version]:
            schema.validate(tree)
            return [entry for entry in schema.error_log if entry.level_name in ("ERROR", "FATAL")]

    def vocabulary(self, version: str) -> Vocabulary:
        """Which elements of `version` are identified objects, references and language-tagged texts."""
        release(version)
        vocabulary = self._vocabularies.get(version)
        if vocabulary is None:
            with self._lock:
                vocabulary = self._vocabularies.get(version)
                if vocabulary is None:
                    vocabulary = derive_vocabulary(self._folder(version), version)
                    self._vocabularies[version] = vocabulary
        return vocabulary

    def verify(self, versions: tuple[str, ...] = VERSIONS) -> None:
        """Check every pinned file of every version now, rather than at first use."""
        with self._lock:
            self._folders.update(verify_root(self.root, versions))
