"""Every public page a visitor meets, in all four languages, on a laptop (1366 px) and a phone (390 px):
it never scrolls sideways, every number in its SVG pictures is a number, and axe-core finds no WCAG 2.0/2.1
A or AA violation. A screenshot of each page goes to var/screenshots/<lang>-<width>-<page>.png for review.

The pages: home, each record type's list (from the registry), a record page of each type (the article's
most-cited public record of that type), search with results, about, codebook. One test per language visits
them all at both widths, one browser tab per width, and reports every problem of every page at once: each axe
rule with the pages and elements it failed on, then each page's other problems. The pages are checked as
served, their Content-Security-Policy in force; anything it refuses is a problem too.

axe-core comes from the npm registry (`make install-dev` puts it in .venv/node_modules). Without it, or
without Chromium or Playwright (tests/test_browser.py), the module skips; CI (ARCHIVE_STRICT_SKIPS=1)
counts that skip as a failure.

ARCHIVE_README_SCREENSHOTS=1 also copies the English home page's screenshots to
docs/screenshots/home-desktop.png and home-phone.png, the README's pictures of the site.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count

from archive import registry, translations
from tests import svg_numbers
from tests import test_browser as shared

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / ".venv" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
README_SCREENSHOTS = {  # the first screen of the English home page
    1366: ROOT / "docs" / "screenshots" / "home-desktop.png",
    390: ROOT / "docs" / "screenshots" / "home-phone.png",
}
WIDTHS = {1366: 768, 390: 844}  # viewport width: height
LANGUAGES = [code for code, _name in settings.LANGUAGES]
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SEARCH_QUERY = "Tabriz"
PAGE_TIMEOUT_MS = 30_000

if not AXE_JS.exists():
    pytest.skip(f"the accessibility tests need axe-core at {AXE_JS}: make install-dev", allow_module_level=True)

pytestmark = pytest.mark.django_db(transaction=True)

browser, archive_data = shared.browser, shared.archive_data

OVERFLOW = """() => {
    const root = document.documentElement, width = root.clientWidth;
    if (root.scrollWidth <= width) return null;
    // Where to look: the outermost elements that stick out on the side the page scrolls to (an off-screen
    // skip link on the other side is no overflow); failing those, the innermost whose text overflows them.
    const rtl = getComputedStyle(root).direction === 'rtl';
    const all = [...document.body.querySelectorAll('*')];
    const out = all.filter(el => {
        const box = el.getBoundingClientRect();
        return box.width && (rtl ? box.left < -0.5 : box.right > width + 0.5);
    });
    const spilling = all.filter(el => el.scrollWidth > el.clientWidth + 1 && el.clientWidth
        && getComputedStyle(el).overflowX === 'visible');
    const culprits = out.length ? out.filter(el => !out.includes(el.parentElement))
        : spilling.filter(el => !spilling.some(other => other !== el && el.contains(other)));
    const describe = el => {
        const box = el.getBoundingClientRect();
        const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
            + (typeof el.className === 'string' && el.className.trim()
               ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
        return `${name} [${Math.round(box.left)}, ${Math.round(box.right)}]`;
    };
    return {scrollWidth: root.scrollWidth, clientWidth: width, elements: culprits.slice(0, 5).map(describe)};
}"""

SVG_ATTRIBUTES = """attributes => {
    const found = [];
    for (const el of document.querySelectorAll('svg, svg *')) {
        for (const name of attributes) {
            const value = el.getAttribute(name);
            if (value !== null) found.push([el.tagName, el.id || '', name, value]);
        }
    }
    return found;
}"""

CSP_LISTENER = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', event => window.__cspViolations.push(
    `${event.effectiveDirective}: ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`));"""

AXE_RUN = """async tags => {
    const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return {violations: results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(' ')),
    }))};
}"""


# Record pages whose heading must be in the reader's language (their titles are translated in the fixtures).
TRANSLATED_HEADINGS = ("record-protests", "record-statements")


def pages_to_visit(lang: str) -> list[tuple[str, str]]:
    """(name, path) of every page the test visits: names make the screenshots' file names."""
    pages = [("home", f"/{lang}/")]
    pages += [(f"list-{record_type.key}", f"/{lang}/{record_type.key}/") for record_type in registry.TYPES]
    for record_type in registry.TYPES:
        record = (
            record_type.model.objects.published()
            .annotate(cited=Count("citations"))
            .order_by("-cited", "public_id")
            .first()
        )
        assert record is not None, f"the article has no public {record_type.key}"
        pages.append((f"record-{record_type.key}", f"/{lang}/{record_type.key}/{record.public_id}/"))
    pages += [
        ("search", f"/{lang}/search/?q={SEARCH_QUERY}"),
        ("about", f"/{lang}/about/"),
        ("codebook", f"/{lang}/codebook/"),
    ]
    return pages


def svg_problems(page) -> list[str]:
    found = page.evaluate(SVG_ATTRIBUTES, list(svg_numbers.ATTRIBUTES))
    problems = []
    for tag, element_id, attribute, value in found:
        if problem := svg_numbers.problem(attribute, value):
            where = f"<{tag}{' id=' + element_id if element_id else ''}>"
            problems.append(f"{where} {attribute}={value[:60]!r}: {problem}")
    return problems


class Findings:
    """What the pages got wrong, for one report: each axe rule once, with the pages it failed on; then each
    page's other problems."""

    def __init__(self):
        self.rules: dict[str, tuple[str, str]] = {}  # rule id → (impact, help)
        self.by_rule: dict[str, dict[str, list[str]]] = defaultdict(dict)  # rule id → {page → selectors}
        self.problems: dict[str, list[str]] = defaultdict(list)  # page → problems

    def axe(self, where: str, violations: list[dict]) -> None:
        for violation in violations:
            self.rules[violation["id"]] = (violation["impact"], violation["help"])
            self.by_rule[violation["id"]][where] = violation["nodes"]

    def report(self) -> str:
        lines = []
        for rule, (impact, help_text) in sorted(self.rules.items()):
            lines.append(f"axe {rule} ({impact}): {help_text}")
            lines += [f"    {where}: {' | '.join(nodes[:10])}" for where, nodes in self.by_rule[rule].items()]
        for where, found in self.problems.items():
            lines += [f"{where}: {problem}" for problem in found]
        return "\n".join(lines)


def check_page(tab, lang: str, width: int, name: str, path: str, findings: Findings) -> None:
    where = f"{width} px {name}"
    response = tab.goto(path)
    if response is None or response.status != 200:
        findings.problems[where].append(f"{path} answered {response and response.status}")
        return
    screenshot = SCREENSHOTS / f"{lang}-{width}-{name}.png"
    tab.screenshot(path=str(screenshot), full_page=True)
    if name == "home" and lang == "en" and os.environ.get("ARCHIVE_README_SCREENSHOTS") == "1":
        README_SCREENSHOTS[width].parent.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(README_SCREENSHOTS[width]))  # what a visitor first sees: the window, not the page
    if name == "search" and not tab.locator(f"main a[href='/{lang}/places/place-tabriz/']").count():
        findings.problems[where].append(f"searching {SEARCH_QUERY!r} does not list the place Tabriz")
    if name in TRANSLATED_HEADINGS:  # the article's protests and statements are translated into every language
        wanted = translations.reader_tag(lang)
        shown = tab.locator("h1").first
        if shown.get_attribute("lang") != wanted or not shown.inner_text().strip():
            findings.problems[where].append(f"the heading is not in {wanted}: lang={shown.get_attribute('lang')!r}")
        if lang != "en" and tab.locator(".record-head .untranslated").count():
            findings.problems[where].append("the heading says it is not yet translated")
    if overflow := tab.evaluate(OVERFLOW):
        findings.problems[where].append(
            f"scrolls sideways: {overflow['scrollWidth']} px wide in {overflow['clientWidth']} px; "
            f"sticking out: {', '.join(overflow['elements']) or '?'}"
        )
    findings.problems[where] += svg_problems(tab)
    findings.problems[where] += [f"Content-Security-Policy refused {v}" for v in tab.evaluate("__cspViolations")]
    result = tab.evaluate(AXE_RUN, WCAG_A_AA)
    findings.axe(where, result["violations"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_fits_draws_its_numbers_and_passes_axe(browser, live_server, archive_data, lang):
    """Both widths in one test: the article is loaded once per test, and that takes longer than a width's pages."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = pages_to_visit(lang)
    findings = Findings()
    started = time.monotonic()
    for width, height in WIDTHS.items():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, locale="en-GB"
        )
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        # axe-core goes in as an init script, which the page's Content-Security-Policy does not govern (an
        # injected <script> tag would be refused: script-src 'self'), so each page is checked as served,
        # its policy in force; a listener set up the same way records anything the policy refuses.
        context.add_init_script(path=str(AXE_JS))
        context.add_init_script(script=CSP_LISTENER)
        tab = context.new_page()
        try:
            for name, path in pages:
                check_page(tab, lang, width, name, path, findings)
        finally:
            context.close()
    print(f"\n{lang}: {len(pages)} pages at {len(WIDTHS)} widths in {time.monotonic() - started:.1f} s")
    report = findings.report()
    assert not report, f"/{lang}/ (screenshots: {SCREENSHOTS}/{lang}-*.png):\n{report}"
