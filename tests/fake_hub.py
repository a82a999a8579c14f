"""A Hugging Face Hub on loopback for the tests of Hub mode: local folders served with the Hub's file protocol.

Only what huggingface_hub 0.36 asks for when transformers 4.57 and datasets load from the Hub:
- ``HEAD``/``GET /{repo}/resolve/{revision}/{file}``: the file, with ``X-Repo-Commit``, ``ETag`` and
  ``Content-Length`` (huggingface_hub refuses a download without them);
- ``GET /api/models/{repo}[/revision/{revision}]``: the repository's id, commit and files;
- ``GET /api/models/{repo}/tree/{revision}[/{folder}][?recursive=True]``: its files (tokenizers list them);
- the Hub's own errors: 404 with ``X-Error-Code: RepoNotFound`` for an unknown repository (anything
  else, datasets included), 404 with ``X-Error-Code: EntryNotFound`` for a missing file. These are the codes
  huggingface_hub turns into ``RepositoryNotFoundError`` and ``EntryNotFoundError`` (utils/_http.py).
Any revision is accepted: pipelines pin their default models to short revisions such as ``714eb0f``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

# Files that the Hub stores with Git LFS: their ETag and tree "oid" are the SHA-256 of the content.
LFS_SUFFIXES = {".safetensors", ".h5", ".bin", ".msgpack", ".onnx"}


class Repo:
    """The files of one folder, with the hashes the Hub reports for them."""

    def __init__(self, folder: Path):
        self.files = {path.relative_to(folder).as_posix(): path for path in sorted(folder.rglob("*")) if path.is_file()}
        self.oids = {name: _oid(path) for name, path in self.files.items()}
        self.commit = hashlib.sha1(json.dumps(self.oids, sort_keys=True).encode()).hexdigest()

    def entry(self, name: str) -> dict:
        """One item of the tree API, as the Hub writes it."""
        size = self.files[name].stat().st_size
        item = {"type": "file", "path": name, "size": size, "oid": self.oids[name]}
        if Path(name).suffix in LFS_SUFFIXES:
            item["lfs"] = {"oid": self.oids[name], "size": size, "pointerSize": 134}
        return item


def _oid(path: Path) -> str:
    content = path.read_bytes()
    if path.suffix in LFS_SUFFIXES:
        return hashlib.sha256(content).hexdigest()
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()  # git's blob id


class FakeHub:
    """Serve ``repos`` (Hub id -> folder) on 127.0.0.1, on a port the system picks, from start() to stop()."""

    def __init__(self, repos: dict[str, Path]):
        by_folder: dict[Path, Repo] = {}  # one Repo (and one hashing) per folder, whatever its names
        self.repos: dict[str, Repo] = {}
        for repo_id, folder in repos.items():
            if Path(folder) not in by_folder:
                by_folder[Path(folder)] = Repo(Path(folder))
            self.repos[repo_id] = by_folder[Path(folder)]
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status), to see what clients asked for
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.hub = self
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-hub", daemon=True)

    def start(self) -> FakeHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def find_repo(self, path: str) -> tuple[str | None, str]:
        """Split ``path`` into the longest repository id it starts with and the rest (None if there is none)."""
        for repo_id in sorted(self.repos, key=len, reverse=True):
            if path == repo_id or path.startswith(repo_id + "/"):
                return repo_id, path[len(repo_id) :].strip("/")
        return None, path


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as requests' sessions expect
    server: ThreadingHTTPServer

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def log_message(self, format, *args) -> None:
        pass  # no access log on stderr; FakeHub.requests keeps the record

    def send_response(self, code, message=None) -> None:
        self.server.hub.requests.append((self.command, self.path, code))
        super().send_response(code, message)

    def _answer(self, send_body: bool) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path).strip("/")
        hub = self.server.hub
        if path.startswith("api/models/"):
            repo_id, rest = hub.find_repo(path.removeprefix("api/models/"))
            if repo_id is None:
                return self._error("RepoNotFound", "Repository not found", send_body)
            return self._api(repo_id, rest, parse_qs(url.query), send_body)
        repo_path, resolve, rest = path.partition("/resolve/")
        repo_id, extra = hub.find_repo(repo_path)
        if not resolve or repo_id is None or extra:
            return self._error("RepoNotFound", "Repository not found", send_body)
        _revision, _, name = rest.partition("/")  # any revision: the repos have one commit
        repo = hub.repos[repo_id]
        if name not in repo.files:
            return self._error("EntryNotFound", f"{name} does not exist on the Hub", send_body)
        self._file(repo, name, send_body)

    def _api(self, repo_id: str, rest: str, query: dict, send_body: bool) -> None:
        repo = self.server.hub.repos[repo_id]
        kind, _, rest = rest.partition("/")
        if kind in {"", "revision"}:
            siblings = [{"rfilename": name} for name in repo.files]
            return self._json({"id": repo_id, "modelId": repo_id, "sha": repo.commit, "private": False,
                               "disabled": False, "gated": False, "tags": [], "siblings": siblings}, send_body)
        if kind == "tree":
            _revision, _, folder = rest.partition("/")
            recursive = query.get("recursive", ["false"])[0].lower() in {"1", "true"}
            return self._tree(repo, folder, recursive, send_body)
        self._error("EntryNotFound", "Not found", send_body)

    def _tree(self, repo: Repo, folder: str, recursive: bool, send_body: bool) -> None:
        prefix = f"{folder}/" if folder else ""
        below = [name for name in repo.files if name.startswith(prefix)]
        if folder and not below:
            return self._error("EntryNotFound", f"{folder} does not exist on the Hub", send_body)
        items, folders = [], {}
        for name in below:
            parts = name[len(prefix) :].split("/")
            for depth in range(1, len(parts) if recursive else min(2, len(parts))):
                subfolder = prefix + "/".join(parts[:depth])
                folders[subfolder] = {"type": "directory", "path": subfolder,
                                      "oid": hashlib.sha1(subfolder.encode()).hexdigest()}
            if recursive or len(parts) == 1:
                items.append(repo.entry(name))
        self._json(list(folders.values()) + items, send_body)

    def _file(self, repo: Repo, name: str, send_body: bool) -> None:
        path = repo.files[name]
        size = path.stat().st_size
        start = _range_start(self.headers.get("Range"), size)
        self.send_response(206 if start else 200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size - start))
        if start:
            self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", f'"{repo.oids[name]}"')
        self.send_header("X-Repo-Commit", repo.commit)
        self.end_headers()
        if send_body:
            with path.open("rb") as file:
                file.seek(start)
                while chunk := file.read(1 << 20):
                    self.wfile.write(chunk)

    def _json(self, value, send_body: bool) -> None:
        body = json.dumps(value).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _error(self, code: str, message: str, send_body: bool) -> None:
        body = json.dumps({"error": message}).encode()
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Error-Code", code)
        self.send_header("X-Error-Message", message)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def _range_start(header: str | None, size: int) -> int:
    """Where a resumed download starts ("bytes=N-"); 0 for a whole file."""
    if not header or not header.startswith("bytes="):
        return 0
    start = int(header.removeprefix("bytes=").split("-")[0] or 0)
    return start if 0 < start < size else 0
