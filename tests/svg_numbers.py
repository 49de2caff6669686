"""Is every number in an inline SVG's numeric attributes a number a browser reads as one?

A coordinate formatted in the page's locale (`y1="200,0"`, `x="41,4"` in Turkish and Azerbaijani) is not
one: the browser drops the attribute, bars vanish and labels pile up. `problem(attribute, value)` says what
is wrong with one attribute's value, or None; the browser tests (tests/test_browser_a11y.py) run it over
every attribute the page's SVGs carry. Kept apart from the browser tests so it can be tested without one.
"""

from __future__ import annotations

import re

NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"  # ASCII digits only, as SVG reads
UNITS = r"(?:px|%|em|rem|ex|ch|pt|pc|cm|mm|in|vw|vh)"
LENGTH = re.compile(rf"{NUMBER}{UNITS}?")
SEPARATOR = r"[\s,]*"

# One length each: a list here ("41,4" is two x positions for a <text>) is how a localized number reads.
LENGTHS = frozenset(
    {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy", "width", "height", "stroke-width"}
)
# The attributes the check reads (the page collects these; lower-case as the DOM reports them, viewBox kept).
ATTRIBUTES = (*sorted(LENGTHS), "viewBox", "d", "points", "transform")

PATH_ARITY = {"m": 2, "l": 2, "t": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "a": 7, "z": 0}
PATH_TOKEN = re.compile(rf"{SEPARATOR}(?:(?P<command>[MmLlHhVvCcSsQqTtAaZz])|(?P<number>{NUMBER}))")
ARC_FLAG = re.compile(rf"{SEPARATOR}(?P<flag>[01])")
TRANSFORM = re.compile(r"\s*(?P<name>matrix|translate|scale|rotate|skewX|skewY)\s*\((?P<args>[^)]*)\)\s*,?")
TRANSFORM_ARITY = {"matrix": {6}, "translate": {1, 2}, "scale": {1, 2}, "rotate": {1, 3}, "skewX": {1}, "skewY": {1}}


def numbers(text: str) -> list[str] | None:
    """The numbers of a whitespace- or comma-separated list, or None if anything else is in it."""
    parts = [part for part in re.split(r"[\s,]+", text.strip()) if part]
    return parts if all(re.fullmatch(NUMBER, part) for part in parts) else None


def path_problem(d: str) -> str | None:
    """The path data's grammar: commands, each followed by whole groups of its arguments."""
    position, command, arguments = 0, None, 0
    while True:
        if command in ("a", "A") and arguments % 7 in (3, 4):
            flag = ARC_FLAG.match(d, position)  # flags may be written without separators: "a5 5 0 011 1"
            if flag is None:
                token = PATH_TOKEN.match(d, position)
                if token is not None and token["number"] is not None:
                    return f"{command}: an arc's flags are 0 or 1, not {token['number']}"
            else:
                position, arguments = flag.end(), arguments + 1
                continue
        token = PATH_TOKEN.match(d, position)
        if token is None:
            break
        position = token.end()
        if token["number"] is not None:
            if command is None:
                return "path data starts with a number, not a command"
            arguments += 1
            continue
        if error := _path_segment_problem(command, arguments):
            return error
        command, arguments = token["command"], 0
    if d[position:].strip(" \t\r\n,"):
        return f"unreadable from {d[position : position + 20]!r}"
    if command is None:
        return "no path commands" if d.strip() else None
    return _path_segment_problem(command, arguments)


def _path_segment_problem(command: str | None, arguments: int) -> str | None:
    if command is None:
        return None
    arity = PATH_ARITY[command.lower()]
    if arity == 0:
        return None if arguments == 0 else f"{command} takes no numbers, has {arguments}"
    if arguments == 0 or arguments % arity:
        return f"{command} takes groups of {arity} numbers, has {arguments}"
    return None


def transform_problem(value: str) -> str | None:
    position = 0
    while position < len(value.rstrip()):
        function = TRANSFORM.match(value, position)
        if function is None:
            return f"unreadable from {value[position : position + 20]!r}"
        args = numbers(function["args"])
        if args is None or len(args) not in TRANSFORM_ARITY[function["name"]]:
            return f"{function['name']}({function['args']}) does not take these numbers"
        position = function.end()
    return None


def problem(attribute: str, value: str) -> str | None:
    """What keeps a browser from reading this attribute's numbers, or None."""
    if attribute in LENGTHS:
        return None if LENGTH.fullmatch(value.strip()) else "not one number"
    if attribute == "viewBox":
        found = numbers(value)
        return None if found is not None and len(found) == 4 else "not four numbers"
    if attribute == "points":
        found = numbers(value)
        return None if found is not None and len(found) % 2 == 0 else "not pairs of numbers"
    if attribute == "d":
        return path_problem(value)
    if attribute == "transform":
        return transform_problem(value)
    raise ValueError(f"not a numeric SVG attribute: {attribute}")
