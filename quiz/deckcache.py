"""The parsed cards, kept between runs so that a large deck starts quickly.

Parsing a card's TOML takes about half a millisecond: 1.2 s for 2,000 cards, on the
path to the first card. :func:`parse_cards` keeps every card it parsed in one
``marshal`` file in the user's cache folder, keyed on each file's path, size and
modification time (and on the demos known and the parser's own source, so a new
rule re-parses everything); a card whose file changed is parsed again, and a card
that fails to parse is never kept. The cache is only ever a copy: any problem with it
(missing, unreadable, from another version) means parsing as if it were not there.
"""

from __future__ import annotations

import contextlib
import dataclasses
import marshal
import os
import stat
import sys
import zlib
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


FORMAT = 1


def cache_file(folder: Path) -> Path:
    """Where the parsed cards of ``folder`` are kept: ``$QUIZ_CARD_CACHE`` (a file),
    else a file per folder in the platform's user cache folder."""
    explicit = os.environ.get("QUIZ_CARD_CACHE")
    if explicit:
        return Path(explicit)
    import platformdirs

    name = f"cards-{zlib.crc32(str(folder.resolve()).encode()):08x}.marshal"
    return platformdirs.user_cache_path("quiz", appauthor=False) / name


def _stamp() -> tuple[object, ...]:
    """What the cached cards depend on besides their files: the parser's source and
    the Python that wrote the marshal data."""
    here = Path(__file__).resolve().parent
    sources = []
    for name in ("deck.py", "phrases.py", "deckcache.py"):
        info = (here / name).stat()
        sources.append((info.st_mtime_ns, info.st_size))
    return (FORMAT, sys.version, tuple(sources))


def _encode(value: Any) -> Any:
    """``value`` as marshal data: a dataclass as ["D", its class's name, its fields
    in order], a path as ["P", text], tuples as tuples. Generic, so that a field
    added to a card is kept without a change here."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is tuple:
        return tuple(_encode(item) for item in value)
    if dataclasses.is_dataclass(value):
        return [
            "D",
            kind.__name__,
            [_encode(getattr(value, f.name)) for f in dataclasses.fields(value)],
        ]
    if isinstance(value, Path):
        return ["P", str(value)]
    if kind is list:
        return ["L", [_encode(item) for item in value]]
    if kind is dict:
        return {key: _encode(item) for key, item in value.items()}
    raise TypeError(f"cannot keep a {kind.__name__} in the card cache")


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _decoder(kinds: Mapping[str, type[Any]]) -> Callable[[Any], Any]:
    def decode(value: Any) -> Any:
        kind = type(value)
        if kind is tuple:
            if all(type(item) in _PLAIN for item in value):
                return value  # most are: phrases, tags, references
            return tuple(decode(item) for item in value)
        if kind is list:
            tag = value[0]
            if tag == "D":
                return kinds[value[1]](*(decode(item) for item in value[2]))
            if tag == "P":
                return Path(value[1])
            return [decode(item) for item in value[1]]
        if kind is dict:
            return {key: decode(item) for key, item in value.items()}
        return value

    return decode


def parse_cards(
    paths: Sequence[Path],
    demos: Collection[str],
    parse: Callable[[Path, Collection[str]], T],
    folder: Path,
    kinds: Mapping[str, type[Any]],
) -> list[T]:
    """``[parse(path, demos) for path in paths]``, from the cache where a file has
    not changed since it was parsed; the cache is then brought up to date.

    Args:
        kinds: the dataclasses a card is made of, by name (the card's own included).
    """
    decode = _decoder(kinds)
    where = cache_file(folder)
    stamp = (_stamp(), tuple(sorted(demos)))
    cached: dict[str, tuple[int, int, tuple[Any, ...]]] = {}
    with contextlib.suppress(Exception):  # a cache that cannot be read is no cache
        data = marshal.loads(where.read_bytes())
        if data[0] == stamp:
            cached = data[1]
    kept: dict[str, tuple[int, int, tuple[Any, ...]]] = {}
    cards = []
    for path in paths:
        key = str(path)
        try:
            info = path.stat()
        except OSError:
            info = None
        entry = cached.get(key)
        if (
            info is not None
            and stat.S_ISREG(info.st_mode)
            and entry is not None
            and entry[:2] == (info.st_mtime_ns, info.st_size)
        ):
            card = decode(entry[2])
            kept[key] = entry
        else:
            card = parse(path, demos)  # raises for a broken card: nothing is kept for it
            if info is not None:
                kept[key] = (info.st_mtime_ns, info.st_size, _encode(card))
        cards.append(card)
    if kept != cached:
        _save(where, (stamp, kept))
    return cards


def _save(where: Path, data: Any) -> None:
    """Writes the cache (a temporary file renamed over it: a reader never sees half of
    one). A cache that cannot be written only costs the next start its parse."""
    with contextlib.suppress(OSError, ValueError):
        where.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = where.with_name(f".{where.name}.{os.getpid()}")
        temp.write_bytes(marshal.dumps(data))
        os.replace(temp, where)
