"""A cache of the parsed deck, so that starting ``quiz`` does not parse every card.

Parsing a card's TOML front matter (its key points, phrases, misconceptions,
references) is most of the time the deck takes to load, and it grows with the deck:
with the follow-up cards it became a visible part of the path to the first card
(``tests/perf/bench_startup.py``). The parsed deck is kept in a private file, keyed by
every card file's name, size, modification time and inode, by the demo names the cards
were checked against, and by quiz's version: any change to any card parses the deck
again. A cache that cannot be read, written or trusted is ignored (the deck is parsed
as before); it never stops the app.

The file is a pickle, read only when it sits in a folder of ours (0700, owned by this
user) and is itself owned by this user and not writable by others: whoever can write
there can already run code as this user. The cache of one's own cards
(:mod:`quiz.cardcache`) keeps its files in the same folder, through the same checks
(:func:`read`, :func:`write`, :func:`read_bytes`, :func:`write_bytes`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import stat
import tempfile
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from quiz import __version__

if TYPE_CHECKING:
    from _blake2 import blake2b as _Hash

FORMAT = 2  # bump when the Card/Deck classes or what is kept of them change shape


def cache_dir() -> Path | None:
    """The private folder (``deck/``) in ``$QUIZ_CACHE``, else in the platform's user
    cache folder for quiz; None when ``QUIZ_CACHE`` is set to an empty string (no
    cache)."""
    env = os.environ.get("QUIZ_CACHE")
    if env is not None:
        return Path(env).expanduser() / "deck" if env else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "quiz" / "deck"
    if os.name == "posix" and os.uname().sysname == "Linux":
        return Path.home() / ".cache" / "quiz" / "deck"
    import platformdirs  # elsewhere: the platform's own place

    return platformdirs.user_cache_path("quiz", appauthor=False) / "deck"


def digest(data: bytes = b"") -> _Hash:
    """A hash for cache keys and file names: BLAKE2b, taken from the module hashlib
    takes it from, so that a start does not load OpenSSL's hash library (5 ms)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # not CPython: hashlib has it all the same
        from hashlib import blake2b
    return blake2b(data, digest_size=20)


def key(folder: Path, paths: Sequence[Path], demos: Collection[str]) -> str | None:
    """What the deck parsed from ``paths`` depends on, as a hex digest; None when a
    file cannot be looked at (then there is no caching)."""
    hashed = digest(f"{FORMAT}\0{__version__}\0{folder.resolve()}\0".encode())
    hashed.update("\0".join(sorted(demos)).encode())
    try:
        for path in paths:
            info = path.stat()
            hashed.update(
                f"\0{path.name}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}".encode()
            )
    except OSError:
        return None
    return hashed.hexdigest()


def read(digest: str, name: str = "deck.pickle") -> object | None:
    """What was cached for ``digest`` in the file ``name`` (the caller checks what it
    is), or None (no cache, another key, or a file that cannot be trusted or read)."""
    data = read_bytes(name)
    if data is None:
        return None
    try:
        stored_key, value = pickle.loads(data)
    except Exception:  # a damaged or foreign file: parse the deck instead
        return None
    return value if stored_key == digest else None


def write(digest: str, value: object, name: str = "deck.pickle") -> None:
    """Keeps ``value`` for the next start under ``digest``; any failure is ignored."""
    with contextlib.suppress(Exception):
        write_bytes(name, pickle.dumps((digest, value), protocol=pickle.HIGHEST_PROTOCOL))


def read_bytes(name: str, size: int = -1) -> bytes | None:
    """The file ``name`` of the cache folder (its first ``size`` bytes if given), or
    None when there is none or it cannot be trusted or read."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / name
    try:
        if not _ours(folder) or not _ours(path):
            return None
        with path.open("rb") as f:
            return f.read(size)
    except OSError:
        return None


def write_bytes(name: str, data: bytes) -> bool:
    """Writes the file ``name`` of the cache folder whole (a reader sees the old file
    or the new one); False when it could not be written."""
    folder = cache_dir()
    if folder is None:
        return False
    try:
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
        if not _ours(folder):
            return False
        fd, temp = tempfile.mkstemp(prefix=".cache-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(temp, folder / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except OSError:
        return False
    return True


def remove(name: str) -> None:
    """Deletes the file ``name`` of the cache folder, if it is there."""
    folder = cache_dir()
    if folder is not None:
        with contextlib.suppress(OSError):
            (folder / name).unlink()


def _ours(path: Path) -> bool:
    """Owned by this user and writable by no one else (a folder: private)."""
    info = path.lstat()
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    if stat.S_ISDIR(info.st_mode):
        return not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    return stat.S_ISREG(info.st_mode)
