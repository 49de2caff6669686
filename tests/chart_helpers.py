"""Reading the numbers an inline SVG picture is drawn with, as a browser would."""

import re

SVG = re.compile(r"<svg.*?</svg>", re.S)
NUMERIC_ATTRIBUTE = re.compile(r'\s(x|y|x1|x2|y1|y2|cx|cy|r|dx|dy|width|height|viewBox|d|transform)="([^"]*)"')
NUMBER = re.compile(r"-?\d+(\.\d+)?")
PATH_COMMANDS = re.compile(r"[MLZ]")


def pictures(html: str) -> list[str]:
    return SVG.findall(html)


def numbers(svg: str) -> list[str]:
    """Every number in the picture's geometry: coordinates, sizes, path data and transforms, as written."""
    found = []
    for name, value in NUMERIC_ATTRIBUTE.findall(svg):
        if name == "d":
            value = PATH_COMMANDS.sub(" ", value).replace(",", " ")
        elif name == "transform":
            value = re.fullmatch(r"matrix\(([^)]*)\)", value).group(1)
        found += value.split()
    return found


def assert_all_numbers(svg: str) -> list[float]:
    """Each number plain ASCII digits with a point (never "41,4", "٤١", "1e3"); returned as floats."""
    values = numbers(svg)
    for value in values:
        assert NUMBER.fullmatch(value), f"not a number an SVG reader takes: {value!r}"
    return [float(value) for value in values]


def path_rings(d: str) -> list[list[tuple[float, float]]]:
    """An "M x,y x,y …Z" path's rings as points."""
    rings = []
    for part in d.split("M")[1:]:
        pairs = part.rstrip("Z").split()
        rings.append([tuple(float(v) for v in pair.split(",")) for pair in pairs])
    return rings


def inside(point: tuple[float, float], rings) -> bool:
    """Even-odd rule, as the map fills its countries."""
    x, y = point
    crossings = 0
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                crossings += 1
    return crossings % 2 == 1
