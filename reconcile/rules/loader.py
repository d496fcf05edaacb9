"""Load rules from one YAML file or a folder of them, reporting every problem with file:line:col.

A folder loads every `*.yaml` / `*.yml` below it (sorted by path), except files under a folder named
`examples` (those are complete stand-alone rule files). Files are merged key by key: two files may fill
different keys of one section, but the same key set twice is an error naming both places.

The loader is hardened against hostile or broken files (see yamlsafe.py): a size limit, a nesting limit,
a bound on alias expansion, no recursive aliases, no control characters; each is a located problem, never a
RecursionError or a stalled run. `load_yaml_model(path, Model)` loads any YAML file (or folder) strictly
against any pydantic model the same way, for the extraction rules and other YAML inputs.
"""
from __future__ import annotations

import difflib
import re
import hashlib
import typing
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import RulesError
from .model import Rules
from .yamlsafe import MAX_BYTES, control_characters, split_lines, structure_problems

Loc: typing.TypeAlias = tuple[typing.Any, ...]  # path of keys / indices inside the merged document
Places: typing.TypeAlias = dict[Loc, "Place"]  # where each path of the document starts


@dataclass(frozen=True)
class Place:
    file: str
    line: int  # 1-based
    col: int  # 1-based
    text: str  # the source line


class LoadedRules(typing.NamedTuple):
    rules: Rules
    files: list[Path]
    digest: str  # sha256 over the files' bytes, in load order


class LoadedModel(typing.NamedTuple):
    value: BaseModel
    files: list[Path]
    digest: str


def rule_files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise RulesError([f"{path}: no such file or folder"])
    files = sorted(
        p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()
        and "examples" not in p.relative_to(path).parts[:-1]
    )
    if not files:
        raise RulesError([f"{path}: no *.yaml rule files in this folder"])
    return files


def _place(file: str, lines: list[str], mark: yaml.Mark) -> Place:
    text = lines[mark.line] if mark.line < len(lines) else ""
    return Place(file, mark.line + 1, mark.column + 1, text[:200])


def _to_data(node: yaml.Node, path: Loc, file: str, lines: list[str], places: Places, problems: list[str],
             loader: yaml.SafeLoader) -> typing.Any:
    """Turn a YAML node into Python data, recording where each path starts and catching duplicate keys."""
    places.setdefault(path, _place(file, lines, node.start_mark))
    if isinstance(node, yaml.MappingNode):
        out: dict[typing.Any, typing.Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)):
                problems.append(_format(_place(file, lines, key_node.start_mark), path, "a key must be a plain scalar"))
                continue
            if key in out:
                here = _place(file, lines, key_node.start_mark)
                first = places[path + (key,)]
                problems.append(_format(here, path + (key,), f"duplicate key (first set at line {first.line})"))
                continue
            places[path + (key,)] = _place(file, lines, key_node.start_mark)
            out[key] = _to_data(value_node, path + (key,), file, lines, places, problems, loader)
            places[path + (key,)] = _place(file, lines, key_node.start_mark)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_data(item, path + (i,), file, lines, places, problems, loader) for i, item in enumerate(node.value)
        ]
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as exc:  # e.g. an integer of more than 4,300 digits
        problems.append(_format(_place(file, lines, node.start_mark), path, f"cannot read this value: {exc}"))
        return None


# libyaml's parser (PyYAML's C binding) reads the packaged rules ten times faster than PyYAML's pure-Python one,
# which cost a third of a second of every run. A file is read with it first; whenever anything at all is wrong
# (a problem or an error), everything is read again with the pure-Python parser, whose messages and places
# the error reports are written for, so only a clean read ever comes from libyaml.
FAST_LOADER: type[typing.Any] | None = getattr(yaml, "CSafeLoader", None)


def _read(file: Path, problems: list[str], kind: str = "rules", empty_hint: str = "start with `version: 1`",
          not_mapping: str = "the rules must be a mapping of sections (version, sources, attributes, ...)",
          loader_class: type[typing.Any] = yaml.SafeLoader) -> tuple[dict[str, typing.Any] | None, Places]:
    """One hardened YAML read (size, control characters, structure, aliases) for every strict YAML file: the
    rules, and through `kind` / `empty_hint` / `not_mapping` the decisions file. `loader_class`: SafeLoader,
    or FAST_LOADER for a first read whose problems are then reported by a second read with SafeLoader."""
    places: Places = {}
    try:
        if file.stat().st_size > MAX_BYTES:
            problems.append(f"{file}:1:1: the file is larger than {MAX_BYTES:,} bytes; rules are hand-written "
                            "and small")
            return None, places
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(f"{file}:1:1: not UTF-8 text (byte {exc.start}: {exc.reason})")
        return None, places
    except OSError as exc:
        problems.append(f"{file}: cannot read: {exc.strerror}")
        return None, places
    text = text.removeprefix("\ufeff")
    lines = split_lines(text)
    early = control_characters(text) or structure_problems(text, loader_class)
    if early:
        for line, col, message in early:
            where = Place(str(file), line, col, lines[line - 1][:200] if line - 1 < len(lines) else "")
            problems.append(_format(where, (), message))
        return None, places
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            problems.append(f"{file}:1:1: empty {kind} file\n    hint: {empty_hint}")
            return None, places
        data = _to_data(node, (), str(file), lines, places, problems, loader)
    except RecursionError:  # not expected after the structure checks; never a traceback
        problems.append(f"{file}:1:1: the document is nested too deeply")
        return None, places
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        if mark is not None:
            problems.append(_format(_place(str(file), lines, mark), (), f"YAML syntax: {what}"))
        else:
            problems.append(f"{file}: YAML syntax: {what}")
        return None, places
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        problems.append(f"{file}:1:1: {not_mapping}")
        return None, places
    return data, places


def _merge(into: dict[typing.Any, typing.Any], new: dict[typing.Any, typing.Any], path: Loc, into_places: Places,
           new_places: Places, problems: list[str]) -> None:
    for key, value in new.items():
        here = path + (key,)
        if key not in into:
            into[key] = value
            for p, place in new_places.items():
                if p[: len(here)] == here:
                    into_places.setdefault(p, place)
        elif isinstance(into[key], dict) and isinstance(value, dict):
            _merge(into[key], value, here, into_places, new_places, problems)
        elif path == () and key == "version":
            if into[key] != value:
                problems.append(_format(new_places[here], here, f"version {value!r} differs from {into[key]!r} "
                                        f"in {into_places[here].file}:{into_places[here].line}"))
        else:
            first = into_places[here]
            problems.append(_format(new_places[here], here, f"set again (first set at {first.file}:{first.line})"))


def _format(place: Place, loc: Loc, message: str, hint: str | None = None) -> str:
    dotted = ".".join(str(p)[:80] for p in loc) or "(top)"
    caret = " " * (place.col - 1) + "^"
    out = f"{place.file}:{place.line}:{place.col}: {dotted}: {message}\n    {place.text}\n    {caret}"
    if hint:
        out += f"\n    hint: {hint}"
    return out


def _model_at(loc: Loc, root: type[BaseModel] = Rules) -> type[BaseModel] | None:
    """The pydantic model class that holds the last key of `loc`, or None if not a model."""
    model: typing.Any = root
    for part in loc[:-1]:
        if isinstance(model, type) and issubclass(model, BaseModel):
            field = model.model_fields.get(part)
            if field is None:
                return None
            model = field.annotation
        elif typing.get_origin(model) is dict:
            model = typing.get_args(model)[1]
        elif typing.get_origin(model) in (list, tuple):
            model = typing.get_args(model)[0]
        else:
            return None
        while typing.get_origin(model) in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            model = next((a for a in typing.get_args(model) if a is not type(None)), None)
        if typing.get_origin(model) is typing.Annotated:
            model = typing.get_args(model)[0]
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _hint(error: ErrorDetails, root: type[BaseModel] = Rules) -> str | None:
    loc = error["loc"]
    if error["type"] == "extra_forbidden":
        model = _model_at(loc, root)
        if model is not None:
            allowed = list(model.model_fields)
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
            if close:
                return f"did you mean `{close[0]}`?"
            return "allowed keys here: " + ", ".join(allowed)
    if error["type"] in ("literal_error", "enum"):
        expected = (error.get("ctx") or {}).get("expected", "")
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",") if o.strip()]
        close = difflib.get_close_matches(str(error.get("input"))[:100], options, n=1, cutoff=0.5)
        if close:
            return f"did you mean `{close[0]}`?"
    if error["type"] == "missing" and loc == ("version",):
        return "add `version: 1` at the top of the file"
    return None


def _locate(loc: Loc, places: Places, fallback: Place) -> Place:
    for n in range(len(loc), -1, -1):
        if loc[:n] in places:
            place: Place = places[loc[:n]]
            return place
    return fallback


def _problem_order(problem: str) -> tuple[str, int, int]:
    match = re.match(r"^(.*?):(\d+):(\d+): ", problem)
    return (match.group(1), int(match.group(2)), int(match.group(3))) if match else (problem, 0, 0)


def _resolve_relative_files(merged: dict[str, typing.Any], places: Places, problems: list[str]) -> None:
    """attributes.<name>.hierarchy: a relative path is read from the folder of the rules file that sets it."""
    for name, rule in (merged.get("attributes") or {}).items():
        value = rule.get("hierarchy") if isinstance(rule, dict) else None
        if not isinstance(value, str) or Path(value).is_absolute():
            continue
        loc = ("attributes", name, "hierarchy")
        place = places.get(loc)
        resolved = (Path(place.file).parent / value) if place is not None else Path(value)
        if not resolved.is_file():
            problems.append(_format(place or Place("(rules)", 1, 1, ""), loc,
                                    f"hierarchy file {str(resolved)!r} not found"))
        rule["hierarchy"] = str(resolved)


def load_rules(path: str | Path) -> LoadedRules:
    """Load and validate rules; raise RulesError listing every problem found in every file."""
    loaded = load_yaml_model(path, Rules)
    assert isinstance(loaded.value, Rules)  # load_yaml_model validated it against Rules
    return LoadedRules(loaded.value, loaded.files, loaded.digest)


def load_yaml_model(path: str | Path | list[str | Path], model: type[BaseModel]) -> LoadedModel:
    """Load one YAML file, a folder of them, or a list of files, merged, strictly against a pydantic model.
    Raises RulesError listing every problem as file:line:col with the source line and a caret."""
    files = [Path(p) for p in path] if isinstance(path, list) else rule_files(Path(path))
    if FAST_LOADER is not None:
        try:
            return _load_files(files, model, FAST_LOADER)
        except Exception:  # noqa: BLE001 - whatever went wrong, the reference read below reports (or raises) it
            pass
    return _load_files(files, model, yaml.SafeLoader)


def _load_files(files: list[Path], model: type[BaseModel], loader_class: type[typing.Any]) -> LoadedModel:
    needs_version = "version" in model.model_fields
    problems: list[str] = []
    merged: dict[str, typing.Any] = {}
    places: Places = {}
    digest = hashlib.sha256()
    for file in files:
        try:
            digest.update(file.read_bytes() if file.is_file() and file.stat().st_size <= MAX_BYTES else b"")
        except OSError:
            pass
        data, file_places = _read(file, problems, loader_class=loader_class)
        if data is None:
            continue
        if needs_version and "version" not in data:
            problems.append(_format(Place(str(file), 1, 1, file_places[()].text), ("version",),
                                    "missing", "add `version: 1` at the top of the file"))
        _merge(merged, data, (), places, file_places, problems)
    if merged or not problems:  # validate what could be read, so every problem is reported at once
        fallback = Place(str(files[0]), 1, 1, "")
        _resolve_relative_files(merged, places, problems)
        try:
            value = model.model_validate(merged)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
                if loc == ("version",) and error["type"] == "missing":
                    continue  # already reported per file, with its place

                place = _locate(loc, places, fallback)
                message = error["msg"].removeprefix("Value error, ")
                problems.append(_format(place, loc, message, _hint(error, model)))
    if problems:
        raise RulesError(sorted(problems, key=_problem_order))
    return LoadedModel(value, files, digest.hexdigest())
