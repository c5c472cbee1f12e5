"""Getting the official DDI-L XSDs: from the DDI Alliance release on GitHub, or from a local copy.

Only the pinned files are ever written, under paths taken from the pins (never from archive member
names), each checked against its SHA-256 before a version's folder is moved into place in one rename.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from ddi_schemas.locate import mismatches
from ddi_schemas.problems import SchemasUnavailable
from ddi_schemas.releases import VERSIONS, pinned_files, release

LARGEST_DOWNLOAD = 1 << 30
LARGEST_SCHEMA_FILE = 16 << 20
_NO_NETWORK_HINT = (
    "without internet access, copy the schemas from a machine that has them and fetch from that folder "
    "or release tarball, or set DDICAT_DDI_SCHEMAS to a folder holding a verified copy"
)

FileReader = Callable[[str], bytes]


def _failure(version: str, detail: str) -> SchemasUnavailable:
    return SchemasUnavailable(f"Could not fetch the DDI-L {version} schemas: {detail}.")


def _verified(version: str, read: FileReader, origin: str) -> dict[str, bytes]:
    """Every pinned file of `version`, read through `read` and checked against its pinned digest."""
    files: dict[str, bytes] = {}
    for relative, expected in pinned_files(version).items():
        content = read(relative)
        if hashlib.sha256(content).hexdigest() != expected:
            raise _failure(
                version,
                f"{origin}/{relative} does not match the pinned SHA-256 of release "
                f"{release(version).tag}: the copy is altered or comes from another release",
            )
        files[relative] = content
    return files


def _from_folder(version: str, folder: Path) -> dict[str, bytes]:
    base = folder / version

    def read(relative: str) -> bytes:
        path = base / relative
        if not path.is_file():
            raise _failure(version, f"{path} is missing")
        return path.read_bytes()

    return _verified(version, read, str(base))


def _from_tarball(version: str, tarball: Path) -> dict[str, bytes]:
    """The pinned files of `version` from a release tarball, wherever its schema folder sits in it."""
    pins = pinned_files(version)
    try:
        with tarfile.open(tarball, mode="r:*") as archive:
            members = {member.name: member for member in archive.getmembers()}

            def content(member: tarfile.TarInfo) -> bytes:
                if not member.isreg():
                    raise _failure(
                        version, f"{tarball.name}: {member.name} is a link or a special file, refused"
                    )
                if member.size > LARGEST_SCHEMA_FILE:
                    raise _failure(version, f"{tarball.name}: {member.name} is too large for a schema file")
                extracted = archive.extractfile(member)
                return extracted.read() if extracted else b""

            prefix = None
            for name, member in members.items():
                if (name == "instance.xsd" or name.endswith("/instance.xsd")) and member.isreg():
                    if hashlib.sha256(content(member)).hexdigest() == pins["instance.xsd"]:
                        prefix = name[: -len("instance.xsd")]
                        break
            if prefix is None:
                raise _failure(
                    version, f"{tarball.name} holds no folder matching release {release(version).tag}"
                )

            def read(relative: str) -> bytes:
                member = members.get(prefix + relative)
                if member is None:
                    raise _failure(version, f"{tarball.name}: {prefix}{relative} is missing")
                return content(member)

            return _verified(version, read, f"{tarball.name}:{prefix.rstrip('/')}")
    except (tarfile.TarError, EOFError, OSError) as error:
        raise _failure(version, f"{tarball} is not a readable release tarball ({error})") from None


def _download(version: str, url: str, into: Path, timeout: float) -> Path:
    """The release tarball saved under `into`; a one-line SchemasUnavailable when the network fails."""
    path = into / f"ddi-l-{version}.tar.gz"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, path.open("wb") as out:  # noqa: S310
            size = 0
            while block := response.read(1 << 20):
                size += len(block)
                if size > LARGEST_DOWNLOAD:
                    raise _failure(version, f"{url} sends more than {LARGEST_DOWNLOAD >> 20} MiB")
                out.write(block)
    except urllib.error.HTTPError as error:
        raise _failure(version, f"{url} answered HTTP {error.code}; {_NO_NETWORK_HINT}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise _failure(version, f"cannot reach {url} ({reason}); {_NO_NETWORK_HINT}") from None
    return path


def _install(version: str, files: dict[str, bytes], target: Path) -> Path:
    """Write the files beside the final folder, then swap it in with renames (never a half-written folder)."""
    target.mkdir(parents=True, exist_ok=True)
    final = target / version
    staging = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=target))
    try:
        for relative, content in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        retired = None
        if final.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{version}-old-", dir=target))
            os.replace(final, retired / version)
        os.replace(staging, final)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return final


def fetch(
    target: Path,
    *,
    source: str | Path | None = None,
    versions: tuple[str, ...] = VERSIONS,
    timeout: float = 30.0,
    force: bool = False,
) -> dict[str, Path]:
    """Install verified copies of the official XSDs as `<target>/<version>/`, and return those folders.

    `source` None downloads each pinned commit's tarball from GitHub; a URL containing `{commit}` downloads
    from that mirror; a local folder (holding `3.1/`, `3.2/`, `3.3/`) or a local release tarball is copied
    from. A version already installed and intact is kept unless `force`.
    """
    target = Path(target)
    installed: dict[str, Path] = {}
    for version in versions:
        pinned = release(version)
        if not force and (target / version).is_dir() and not mismatches(target / version, version):
            installed[version] = target / version
            continue
        if source is None or (isinstance(source, str) and "://" in source):
            template = (
                source if isinstance(source, str) else pinned.tarball_url.replace(pinned.commit, "{commit}")
            )
            with tempfile.TemporaryDirectory(prefix=".download-", dir=_existing(target)) as scratch:
                tarball = _download(version, template.format(commit=pinned.commit), Path(scratch), timeout)
                files = _from_tarball(version, tarball)
        elif Path(source).is_dir():
            files = _from_folder(version, Path(source))
        elif Path(source).is_file():
            files = _from_tarball(version, Path(source))
        else:
            raise _failure(version, f"{source} is neither a folder, a release tarball nor a URL")
        installed[version] = _install(version, files, target)
    return installed


def _existing(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    return target
