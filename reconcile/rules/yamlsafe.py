"""Bounds checked on a YAML file's text and event stream before anything builds data from it.

PyYAML composes nested collections recursively (a deeply nested file ends in RecursionError), expands
aliases without a bound (a 400-byte "billion laughs" file takes gigabytes), and accepts an anchor used inside
itself (a cycle). These checks run on the parser's event stream, which PyYAML produces iteratively, so they
are cheap and never recurse. Each problem is returned as (line, col, message), 1-based.
"""
from __future__ import annotations

import re
import typing

import yaml

MAX_BYTES = 4 * 1024 * 1024  # a rules file is hand-written; anything bigger is a mistake
MAX_DEPTH = 32  # nesting of mappings and sequences
MAX_NODES = 100_000  # nodes of the document once every alias is expanded

# C0 controls but tab, line feed and carriage return; DEL; C1 controls; lone surrogates (never text)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029]")


def split_lines(text: str) -> list[str]:
    """Lines as YAML counts them (CRLF, CR, LF, and the Unicode line/paragraph separators)."""
    return _BREAK.split(text)


def control_characters(text: str, limit: int = 10) -> list[tuple[int, int, str]]:
    problems = []
    for match in _CONTROL.finditer(text):
        before = text[: match.start()]
        line = len(_BREAK.findall(before)) + 1
        last = max(before.rfind("\n"), before.rfind("\r"))
        col = match.start() - last
        problems.append((line, col, f"control character U+{ord(match.group()):04X} is not allowed in rules "
                                    "(write it as an escape inside a double-quoted string if it is meant)"))
        if len(problems) >= limit:
            break
    return problems


def structure_problems(text: str, loader: type[typing.Any] = yaml.SafeLoader) -> list[tuple[int, int, str]]:
    """Depth, recursive aliases and the size after alias expansion, from the event stream (of `loader`'s
    parser: PyYAML's own, or libyaml's through yaml.CSafeLoader)."""
    sizes: dict[str, int] = {}  # anchor -> expanded node count of its node
    stack: list[list[typing.Any]] = [[None, 0]]  # open collections: [anchor, expanded nodes so far]
    try:
        for event in yaml.parse(text, Loader=loader):
            mark = event.start_mark
            where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) > MAX_DEPTH:
                    return [(*where, f"nested deeper than {MAX_DEPTH} levels")]
                stack.append([event.anchor, 1])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                anchor, count = stack.pop()
                if anchor is not None:
                    sizes[anchor] = count
                stack[-1][1] += count
            elif isinstance(event, yaml.ScalarEvent):
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                stack[-1][1] += 1
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in sizes:
                    if any(frame[0] == event.anchor for frame in stack):
                        return [(*where, f"alias *{event.anchor} refers to the node it is inside (a cycle)")]
                    continue  # undefined: the composer reports it with its place
                stack[-1][1] += sizes[event.anchor]
            if sum(frame[1] for frame in stack) > MAX_NODES:
                return [(*where, f"the document expands to more than {MAX_NODES:,} values "
                                 "(aliases repeat what they refer to); write the rules out plainly")]
    except yaml.YAMLError:
        return []  # a syntax error: the loader reports it with its place
    return []
