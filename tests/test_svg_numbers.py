"""The SVG number check the browser tests run (tests/svg_numbers.py): it passes what browsers read and
catches numbers written in a locale's format."""

import pytest

from tests.svg_numbers import problem


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("x", "41.4"),
        ("y1", "-200"),
        ("r", "1e-3"),
        ("width", "100%"),
        ("height", " 12px "),
        ("viewBox", "0 0 600 200.5"),
        ("viewBox", "0,0,600,200"),
        ("points", "10,20 30.5,40 50 60"),
        ("d", "M10 20L30.5 40.25h-5v.5Z"),
        ("d", "M10,20 C 1 2 3 4 5 6 7 8 9 10 11 12 z m1 1"),
        ("d", "M0 0a5 5 0 011 1"),  # arc flags written together
        ("d", "M0 0A5 5 0 1 0 10 10 5 5 0 0 1 20 20"),
        ("d", ""),
        ("transform", "translate(10 20) rotate(-45, 5, 5) scale(2)"),
        ("transform", "matrix(1 0 0 1 .5 -2)"),
    ],
)
def test_numbers_a_browser_reads_pass(attribute, value):
    assert problem(attribute, value) is None


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("y1", "200,0"),  # a Turkish or Azerbaijani decimal comma
        ("x", "41,4"),
        ("cx", "45٫6"),  # an Arabic decimal separator
        ("cy", "۳۸.۹"),  # Persian digits
        ("r", "NaN"),
        ("width", "None"),
        ("height", ""),
        ("viewBox", "0 0 600,5 200"),
        ("viewBox", "0 0 600"),
        ("points", "10,5 20,5 30"),
        ("points", "10 20 30 ٤٠"),
        ("d", "M10,5 20"),
        ("d", "M10 20 L30"),
        ("d", "10 20 L30 40"),
        ("d", "M10 20 L30 40 Z 5"),
        ("d", "M10 20 L NaN 40"),
        ("d", "M0 0A5 5 0 2 0 10 10"),
        ("transform", "translate(10,5 20)"),
        ("transform", "rotate(45 10)"),
        ("transform", "translate(1 2) scale"),
    ],
)
def test_localized_or_broken_numbers_are_caught(attribute, value):
    assert problem(attribute, value), f"{attribute}={value!r} passed"
