"""Model downloads: the manifest in ``asr_models/manifest.yaml``, verified, installed atomically.

``fetch(name, dest)`` downloads every file of a manifest entry into a temporary
folder inside ``dest``, checks each file's size and digest (md5 or sha256, as the
publisher lists them), unpacks zip archives, and only then renames the folder to
``dest/<install_as>``. A failure at any point removes the temporary folder:
nothing half-written is ever left under the final name.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ivr import ROOT
from ivr.errors import ModelError

MANIFEST = ROOT / "asr_models" / "manifest.yaml"
CHUNK = 1 << 16
Progress = Callable[[str, int, int | None], None]  # (file name, bytes so far, total or None)


@dataclass(frozen=True, kw_only=True)
class ModelFile:
    url: str
    size: int | None
    md5: str | None = None
    sha256: str | None = None
    unpack: str | None = None  # 'zip' or None
    unverified: str = ""

    @property
    def name(self) -> str:
        return PurePosixPath(self.url.split("?", 1)[0]).name

    @property
    def verified(self) -> bool:
        return self.size is not None and bool(self.md5 or self.sha256)


@dataclass(frozen=True, kw_only=True)
class ModelEntry:
    name: str
    title: str
    kind: str
    install_as: str
    files: tuple[ModelFile, ...]

    @property
    def verified(self) -> bool:
        return all(f.verified for f in self.files)

    @property
    def size(self) -> int | None:
        sizes = [f.size for f in self.files]
        return None if any(s is None for s in sizes) else sum(s for s in sizes if s is not None)


def load_manifest(path: Path | str = MANIFEST) -> dict[str, ModelEntry]:
    """Parse and validate the manifest; ``ModelError`` names the file, entry and problem."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ModelError(f"{path}: cannot read the model manifest: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ModelError(f"{path}: invalid YAML: {exc}") from None
    models = data.get("models") if isinstance(data, dict) else None
    if not isinstance(models, dict):
        raise ModelError(f"{path}: expected a 'models' mapping")
    return {name: _entry(path, name, raw) for name, raw in models.items()}


def _entry(path: Path, name: str, raw: Any) -> ModelEntry:
    where = f"{path}: model '{name}'"
    if not isinstance(raw, dict):
        raise ModelError(f"{where}: expected a mapping")
    install_as = raw.get("install_as")
    if not isinstance(install_as, str) or not install_as or "/" in install_as or install_as.startswith("."):
        raise ModelError(f"{where}: 'install_as' must be a plain folder name")
    files = raw.get("files")
    if not isinstance(files, list) or not files:
        raise ModelError(f"{where}: 'files' must be a non-empty list")
    parsed = []
    for i, f in enumerate(files):
        if not isinstance(f, dict) or not isinstance(f.get("url"), str) or \
                not f["url"].startswith(("http://", "https://")):
            raise ModelError(f"{where}: file {i + 1}: 'url' must be an http(s) URL")
        size = f.get("size")
        if size is not None and (not isinstance(size, int) or size <= 0):
            raise ModelError(f"{where}: file {i + 1}: 'size' must be a positive integer or null")
        for algo, length in (("md5", 32), ("sha256", 64)):
            value = f.get(algo)
            if value is not None and (not isinstance(value, str) or len(value) != length
                                      or any(c not in "0123456789abcdef" for c in value)):
                raise ModelError(f"{where}: file {i + 1}: '{algo}' must be {length} lower-case hex digits")
        if f.get("unpack") not in (None, "zip"):
            raise ModelError(f"{where}: file {i + 1}: 'unpack' must be zip or absent")
        parsed.append(ModelFile(url=f["url"], size=size, md5=f.get("md5"), sha256=f.get("sha256"),
                                unpack=f.get("unpack"), unverified=str(f.get("unverified") or "").strip()))
    return ModelEntry(name=name, title=str(raw.get("title", name)), kind=str(raw.get("kind", "")),
                      install_as=install_as, files=tuple(parsed))


def installed_path(entry: ModelEntry, dest: Path) -> Path | None:
    target = dest / entry.install_as
    return target if target.is_dir() else None


def fetch(entry: ModelEntry, dest: Path, *, insecure: bool = False, progress: Progress | None = None,
          timeout: float = 60.0) -> Path:
    """Download, verify and install ``entry`` as ``dest/<install_as>``; returns that folder."""
    target = dest / entry.install_as
    if target.exists():
        raise ModelError(f"{target} already exists: remove it first to fetch '{entry.name}' again")
    if not entry.verified and not insecure:
        reason = next((f.unverified for f in entry.files if not f.verified and f.unverified),
                      "the manifest has no size and digest for it")
        raise ModelError(f"refusing to install '{entry.name}' unverified: {reason} "
                         "(use --insecure to install it anyway)")
    try:
        dest.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{entry.install_as}.", suffix=".partial", dir=dest))
    except OSError as exc:
        raise ModelError(f"cannot write to {dest}: {exc.strerror}") from None
    try:
        content = staging / "content"
        content.mkdir()
        for f in entry.files:
            download = staging / f.name
            _download(f, download, progress, timeout)
            _verify(f, download)
            if f.unpack == "zip":
                _unzip(download, content)
                download.unlink()
            else:
                download.replace(content / f.name)
        os.replace(content, target)
    except OSError as exc:
        raise ModelError(f"cannot install '{entry.name}' into {dest}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _download(f: ModelFile, path: Path, progress: Progress | None, timeout: float) -> None:
    request = urllib.request.Request(f.url, headers={"User-Agent": "f0-hotline model fetch"})
    done = 0
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, open(path, "wb") as out:
            total = f.size or _int(response.headers.get("Content-Length"))
            while chunk := response.read(CHUNK):
                done += len(chunk)
                if f.size is not None and done > f.size:
                    raise ModelError(f"download of {f.name} is larger than the expected {f.size} bytes")
                out.write(chunk)
                if progress is not None:
                    progress(f.name, done, total)
    except urllib.error.HTTPError as exc:
        raise ModelError(f"download of {f.url} failed: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelError(f"download of {f.url} failed: {reason}") from None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _verify(f: ModelFile, path: Path) -> None:
    size = path.stat().st_size
    if f.size is not None and size != f.size:
        raise ModelError(f"download of {f.name} is {size} bytes, expected {f.size}: not installed")
    for algo in ("sha256", "md5"):
        expected = getattr(f, algo)
        if expected:
            digest = hashlib.new(algo)
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
            if digest.hexdigest() != expected:
                raise ModelError(f"download of {f.name} has {algo} {digest.hexdigest()}, expected {expected}: "
                                 "not installed")
            return


def _unzip(archive: Path, into: Path) -> None:
    """Unpack safely; a single top-level folder (the usual ``<model>/`` layout) is flattened."""
    try:
        with zipfile.ZipFile(archive) as z:
            names = [i.filename for i in z.infolist()]
            for name in names:
                p = PurePosixPath(name)
                if p.is_absolute() or ".." in p.parts or "\\" in name:
                    raise ModelError(f"{archive.name}: unsafe path in archive: {name!r}")
            tops = {PurePosixPath(n).parts[0] for n in names if PurePosixPath(n).parts}
            strip = len(tops) == 1 and all(n.count("/") >= 1 or n.endswith("/") for n in names)
            for info in z.infolist():
                parts = PurePosixPath(info.filename).parts[1 if strip else 0:]
                if not parts:
                    continue
                out = into.joinpath(*parts)
                if info.is_dir():
                    out.mkdir(parents=True, exist_ok=True)
                    continue
                out.parent.mkdir(parents=True, exist_ok=True)
                with z.open(info) as src, open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst, CHUNK)
    except zipfile.BadZipFile as exc:
        raise ModelError(f"{archive.name}: not a valid zip archive ({exc}): not installed") from None
