"""Load, validate and resolve rule packs. Framework-free (no Django import).

- :func:`check_file` parses one TOML file and returns ``(pack or None, errors)``;
- :func:`check` validates a directory (or files) and adds the checks across packs: unique
  ``code@version``, file name ``{code}-{version}.toml``, ``supersedes`` pointing at a loaded pack
  of the same code with an earlier effective date; it powers ``metrohub rulepacks check``;
- :func:`load_packs` returns a :class:`Registry` (raising :class:`PackErrors` on any error) with
  :meth:`Registry.in_force` — the version of a code in force on a date.

Every error is a :class:`PackError` ``(file, key, message)``; ``str()`` gives
``chongqing-2024.toml: transitions[3].roles[0]: unknown role 'aplicant'``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from metrohub.rulepacks.schema import RulePack, cross_reference_errors

__all__ = [
    "PACKS_DIR",
    "PackError",
    "PackErrors",
    "Registry",
    "check",
    "check_file",
    "load_pack",
    "load_packs",
]

PACKS_DIR = Path(__file__).resolve().parent / "packs"


@dataclass(frozen=True, slots=True, order=True)
class PackError:
    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message}"


class PackErrors(ValueError):
    def __init__(self, errors: list[PackError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def _key(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            if part.startswith(("function-after[", "function-before[", "literal[")):
                continue  # pydantic's internal validator names, not keys
            out += ("." if out else "") + ("from" if part == "from_" else part)
    return out or "(pack)"


def _message(err: dict) -> str:
    kind = err.get("type", "")
    loc = err.get("loc", ())
    if kind == "missing" and loc and loc[-1] == "article":
        return "missing article: every rule must cite the article (or section) it rests on"
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return "unknown key"
    msg = err.get("msg", "invalid")
    return msg.removeprefix("Value error, ")


def _split_field_prefix(key: str, message: str) -> tuple[str, str]:
    """Model validators report 'field: message'; fold the field into the key."""
    head, sep, rest = message.partition(": ")
    if sep and head.replace("_", "").isalnum() and head.islower() and " " not in head:
        return (f"{key}.{head}" if key != "(pack)" else head), rest
    return key, message


def check_file(path: str | Path) -> tuple[RulePack | None, list[PackError]]:
    path = Path(path)
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [PackError(name, "(file)", f"cannot read: {exc}")]
    except tomllib.TOMLDecodeError as exc:
        return None, [PackError(name, "(file)", f"not valid TOML: {exc}")]
    try:
        pack = RulePack.model_validate(data)
    except ValidationError as exc:
        errors = []
        for e in exc.errors():
            key, msg = _split_field_prefix(_key(e["loc"]), _message(e))
            errors.append(PackError(name, key, msg))
        return None, errors
    errors = [PackError(name, k, m) for k, m in cross_reference_errors(pack)]
    expected = f"{pack.pack.code}-{pack.pack.version}.toml"
    if name != expected:
        errors.append(PackError(name, "pack.version", f"the file must be named {expected}"))
    return (None if errors else pack), errors


def load_pack(path: str | Path) -> RulePack:
    pack, errors = check_file(path)
    if errors:
        raise PackErrors(errors)
    assert pack is not None
    return pack


def _files(paths: str | Path | Iterable[str | Path] | None) -> list[Path]:
    if paths is None:
        paths = [PACKS_DIR]
    elif isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.glob("*.toml")) if p.is_dir() else [p])
    return out


def check(paths=None) -> tuple[list[RulePack], list[PackError]]:
    """Validate every pack in ``paths`` (a directory, a file, or a list; default: the shipped
    packs). Returns the valid packs and every error, sorted by file and key order of discovery."""
    packs: list[tuple[str, RulePack]] = []
    errors: list[PackError] = []
    for f in _files(paths):
        pack, errs = check_file(f)
        errors.extend(errs)
        if pack is not None:
            packs.append((f.name, pack))
    by_key: dict[str, str] = {}
    for fname, p in packs:
        if p.key in by_key:
            errors.append(
                PackError(fname, "pack.version", f"{p.key} is already defined in {by_key[p.key]}")
            )
        else:
            by_key[p.key] = fname
    valid = {p.key: (fname, p) for fname, p in packs}
    for fname, p in packs:
        sup = p.pack.supersedes
        if sup is None:
            continue
        if sup not in valid:
            errors.append(PackError(fname, "pack.supersedes", f"no valid pack {sup} is loaded"))
            continue
        prev = valid[sup][1]
        if prev.pack.code != p.pack.code:
            errors.append(
                PackError(fname, "pack.supersedes", f"{sup} is a different code than {p.code}")
            )
        if p.pack.effective_date is None:
            errors.append(
                PackError(
                    fname, "pack.effective_date", "a superseding pack needs an effective date"
                )
            )
        elif prev.pack.effective_date and prev.pack.effective_date >= p.pack.effective_date:
            errors.append(
                PackError(
                    fname, "pack.effective_date", f"must be later than {sup}'s effective date"
                )
            )
    # one chain per code: at most one pack without supersedes, nothing superseded twice
    roots: dict[str, list[str]] = {}
    superseded: dict[str, str] = {}
    for fname, p in packs:
        if p.pack.supersedes is None:
            roots.setdefault(p.code, []).append(fname)
        elif p.pack.supersedes in superseded:
            errors.append(
                PackError(
                    fname,
                    "pack.supersedes",
                    f"{p.pack.supersedes} is already superseded by {superseded[p.pack.supersedes]}",
                )
            )
        else:
            superseded[p.pack.supersedes] = fname
    for code, files in roots.items():
        for fname in files[1:]:
            errors.append(
                PackError(
                    fname,
                    "pack.supersedes",
                    f"'{code}' already has a first version in {files[0]}; "
                    "a later version must name the one it supersedes",
                )
            )
    bad_files = {e.file for e in errors}
    good = [p for fname, p in packs if fname not in bad_files]
    return good, errors


class Registry:
    """The loaded packs, by code and version, with resolution by date."""

    def __init__(self, packs: Iterable[RulePack]) -> None:
        self._packs: dict[str, RulePack] = {p.key: p for p in packs}
        self._chains: dict[str, list[RulePack]] = {}
        for code in {p.code for p in self._packs.values()}:
            chain: list[RulePack] = []
            nxt = {p.pack.supersedes: p for p in self._packs.values() if p.code == code}
            current = nxt.get(None)
            while current is not None:
                chain.append(current)
                current = nxt.get(current.key)
            self._chains[code] = chain

    def __iter__(self):
        return iter(self._packs.values())

    def __len__(self) -> int:
        return len(self._packs)

    def codes(self) -> list[str]:
        return sorted(self._chains)

    def versions(self, code: str) -> list[RulePack]:
        """Oldest first."""
        if code not in self._chains:
            raise KeyError(f"no rule pack '{code}'")
        return list(self._chains[code])

    def get(self, code: str, version: str) -> RulePack:
        try:
            return self._packs[f"{code}@{version}"]
        except KeyError:
            raise KeyError(f"no rule pack {code}@{version}") from None

    def latest(self, code: str) -> RulePack:
        return self.versions(code)[-1]

    def in_force(self, code: str, on: dt.date) -> RulePack:
        """The version of ``code`` in force on ``on``.

        A version is in force from its ``effective_date`` until the next version's. The first
        version of a code may have no known effective date (``effective_date_note`` says why): it
        then answers for every date before its successor's. Raises ``LookupError`` for a date
        before the first known effective date.
        """
        found: RulePack | None = None
        for pack in self.versions(code):
            eff = pack.pack.effective_date
            if eff is None or eff <= on:
                found = pack
            else:
                break
        if found is None:
            first = self.versions(code)[0]
            raise LookupError(
                f"no version of '{code}' is in force on {on.isoformat()} "
                f"(the first, {first.key}, takes effect on {first.pack.effective_date})"
            )
        return found


def load_packs(paths=None) -> Registry:
    """Load and validate packs (default: the shipped ones). Raises :class:`PackErrors`."""
    packs, errors = check(paths)
    if errors:
        raise PackErrors(errors)
    return Registry(packs)
