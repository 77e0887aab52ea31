"""Model fetch against a real HTTP server on 127.0.0.1 serving archives built here."""
from __future__ import annotations

import functools
import hashlib
import http.server
import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from ivr import cli
from ivr.errors import ModelError
from ivr.speech.modelstore import MANIFEST, fetch, load_manifest


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def model_zip(top: str = "vosk-model-test") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(f"{top}/", "")
        z.writestr(f"{top}/am/final.mdl", b"acoustic model bytes")
        z.writestr(f"{top}/conf/mfcc.conf", "--sample-frequency=16000\n")
        z.writestr(f"{top}/README", "test model\n")
    return buf.getvalue()


def write_manifest(path: Path, files: list[dict], install_as: str = "vosk-model-test") -> Path:
    path.write_text(yaml.safe_dump({"models": {"test": {"title": "Test model", "kind": "vosk",
                                                         "install_as": install_as, "files": files}}}))
    return path


def entry_for(tmp_path: Path, url: str, blob: bytes, **overrides: object):
    spec = {"url": url, "size": len(blob), "md5": hashlib.md5(blob).hexdigest(), "unpack": "zip", **overrides}
    return load_manifest(write_manifest(tmp_path / "manifest.yaml", [spec]))["test"]


def leftovers(dest: Path) -> list[str]:
    return sorted(p.name for p in dest.iterdir()) if dest.exists() else []


def test_the_shipped_manifest_is_valid() -> None:
    models = load_manifest(MANIFEST)
    assert set(models) == {"vosk-vn", "vosk-vn-large", "piper-vi"}
    assert models["vosk-vn"].install_as == "vosk-model-small-vn-0.4" and models["vosk-vn"].verified
    assert models["piper-vi"].verified and len(models["piper-vi"].files) == 2
    assert not models["vosk-vn-large"].verified  # no publisher digest found: fetch must refuse it


def test_fetch_verifies_and_unpacks(server: tuple[str, Path], tmp_path: Path) -> None:
    url, www = server
    blob = model_zip()
    (www / "m.zip").write_bytes(blob)
    entry = entry_for(tmp_path, f"{url}/m.zip", blob)
    dest = tmp_path / "models"
    seen: list[int] = []
    target = fetch(entry, dest, progress=lambda name, done, total: seen.append(done))
    assert target == dest / "vosk-model-test"
    assert (target / "am" / "final.mdl").read_bytes() == b"acoustic model bytes"  # top folder flattened
    assert (target / "conf" / "mfcc.conf").is_file()
    assert leftovers(dest) == ["vosk-model-test"]  # no partial download left behind
    assert seen and seen[-1] == len(blob)
    with pytest.raises(ModelError, match="already exists: remove it first"):
        fetch(entry, dest)


def test_corrupted_download_installs_nothing(server: tuple[str, Path], tmp_path: Path) -> None:
    url, www = server
    blob = model_zip()
    corrupt = bytearray(blob)
    corrupt[len(corrupt) // 2] ^= 0xFF
    (www / "m.zip").write_bytes(bytes(corrupt))
    entry = entry_for(tmp_path, f"{url}/m.zip", blob)
    dest = tmp_path / "models"
    with pytest.raises(ModelError, match=rf"download of m\.zip has md5 [0-9a-f]{{32}}, expected "
                                         rf"{hashlib.md5(blob).hexdigest()}: not installed"):
        fetch(entry, dest)
    assert leftovers(dest) == []


def test_short_and_long_downloads_are_refused(server: tuple[str, Path], tmp_path: Path) -> None:
    url, www = server
    blob = model_zip()
    (www / "short.zip").write_bytes(blob[:-10])
    (www / "long.zip").write_bytes(blob + b"extra")
    dest = tmp_path / "models"
    with pytest.raises(ModelError, match=rf"download of short\.zip is {len(blob) - 10} bytes, expected {len(blob)}"):
        fetch(entry_for(tmp_path, f"{url}/short.zip", blob), dest)
    with pytest.raises(ModelError, match=rf"download of long\.zip is larger than the expected {len(blob)} bytes"):
        fetch(entry_for(tmp_path, f"{url}/long.zip", blob), dest)
    assert leftovers(dest) == []


def test_sha256_digests_are_checked_too(server: tuple[str, Path], tmp_path: Path) -> None:
    url, www = server
    blob = model_zip()
    (www / "m.zip").write_bytes(blob)
    entry = entry_for(tmp_path, f"{url}/m.zip", blob, md5=None, sha256="0" * 64)
    with pytest.raises(ModelError, match="has sha256 .* expected 0000"):
        fetch(entry, tmp_path / "models")


def test_unverified_files_need_insecure(server: tuple[str, Path], tmp_path: Path) -> None:
    url, www = server
    blob = model_zip()
    (www / "m.zip").write_bytes(blob)
    entry = entry_for(tmp_path, f"{url}/m.zip", blob, size=None, md5=None, unverified="no digest published")
    dest = tmp_path / "models"
    with pytest.raises(ModelError, match=r"refusing to install 'test' unverified: no digest published "
                                         r"\(use --insecure to install it anyway\)"):
        fetch(entry, dest)
    assert not (dest / "vosk-model-test").exists()
    assert (fetch(entry, dest, insecure=True) / "README").read_text() == "test model\n"


def test_http_errors_and_unwritable_destination(server: tuple[str, Path], tmp_path: Path) -> None:
    url, www = server
    blob = model_zip()
    entry = entry_for(tmp_path, f"{url}/missing.zip", blob)
    with pytest.raises(ModelError, match=r"download of http://127\.0\.0\.1:\d+/missing\.zip failed: HTTP 404"):
        fetch(entry, tmp_path / "models")
    (www / "m.zip").write_bytes(blob)
    entry = entry_for(tmp_path, f"{url}/m.zip", blob)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ModelError, match=r"cannot write to .*a-file/models: Not a directory"):
        fetch(entry, blocker / "models")


def test_unsafe_archive_paths_are_refused(server: tuple[str, Path], tmp_path: Path) -> None:
    url, www = server
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../../evil.txt", "x")
    blob = buf.getvalue()
    (www / "evil.zip").write_bytes(blob)
    dest = tmp_path / "models"
    with pytest.raises(ModelError, match=r"evil\.zip: unsafe path in archive: '\.\./\.\./evil\.txt'"):
        fetch(entry_for(tmp_path, f"{url}/evil.zip", blob), dest)
    assert leftovers(dest) == [] and not (tmp_path / "evil.txt").exists()


def test_plain_files_are_installed_as_they_are(server: tuple[str, Path], tmp_path: Path) -> None:
    url, www = server
    onnx, cfg = b"\x08\x01onnx", b'{"audio": {"sample_rate": 22050}}'
    (www / "voice.onnx").write_bytes(onnx)
    (www / "voice.onnx.json").write_bytes(cfg)
    files = [{"url": f"{url}/voice.onnx", "size": len(onnx), "md5": hashlib.md5(onnx).hexdigest()},
             {"url": f"{url}/voice.onnx.json", "size": len(cfg), "md5": hashlib.md5(cfg).hexdigest()}]
    entry = load_manifest(write_manifest(tmp_path / "m.yaml", files, install_as="voice"))["test"]
    target = fetch(entry, tmp_path / "models")
    assert sorted(p.name for p in target.iterdir()) == ["voice.onnx", "voice.onnx.json"]


def test_bad_manifests(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("models:\n  x:\n    install_as: ../up\n    files: []\n")
    with pytest.raises(ModelError, match=r"bad\.yaml: model 'x': 'install_as' must be a plain folder name"):
        load_manifest(bad)
    bad.write_text("models:\n  x:\n    install_as: ok\n    files:\n      - url: http://h/f\n        md5: XYZ\n")
    with pytest.raises(ModelError, match=r"model 'x': file 1: 'md5' must be 32 lower-case hex digits"):
        load_manifest(bad)


def test_cli_fetch_and_list(server: tuple[str, Path], tmp_path: Path, capsys) -> None:
    url, www = server
    blob = model_zip()
    (www / "m.zip").write_bytes(blob)
    manifest = write_manifest(tmp_path / "manifest.yaml", [
        {"url": f"{url}/m.zip", "size": len(blob), "md5": hashlib.md5(blob).hexdigest(), "unpack": "zip"}])
    dest = tmp_path / "models"
    base = ["--data-dir", str(tmp_path / "data")]
    assert cli.main(["models", "fetch", "test", "--dest", str(dest), "--manifest", str(manifest), *base]) == 0
    assert f"installed 'test' at {dest / 'vosk-model-test'}" in capsys.readouterr().out
    assert cli.main(["models", "fetch", "nope", "--manifest", str(manifest), *base]) == 2
    assert "ivr: unknown model 'nope' (known: test)" in capsys.readouterr().err
    assert cli.main(["models", "list", *base]) == 0
    out = capsys.readouterr().out
    assert "vosk-vn        vosk-model-small-vn-0.4      32.1 MiB" in out
    assert "vosk-vn-large  vosk-model-vn-0.4            unknown size, no publisher digest" in out
