"""A statement's texts in its import/export file: the original and its translations.

Two ways to write them, one part (`StatementTextPart`) reading both:

- the flat columns, for spreadsheet users: `text` and `text_language` (the original) and `text_en` (the
  English translation); a filled cell sets that text, a blank one leaves it as it is;
- `texts`: every text as a JSON list of {"language", "text", "is_original", "translator"}, authoritative
  when filled in (archive.resources.lists): the statement's texts become exactly that list (the original
  kept or updated as the original, a translation as the translation into the same language, others added,
  those the list leaves out removed). An export writes both, so export → import gives back every text,
  every translation and who made it.

A row giving both must have them agree: each filled flat cell says what the list says.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from archive.resources.cells import BooleanWidget, as_written, cell_text, language_for
from archive.resources.fields import PendingPart, _related
from archive.resources.lists import ListPart, pair_up, shown, written


def _original(texts):
    return next((t for t in texts if t.is_original), None)


def _english(texts):
    return next((t for t in texts if not t.is_original and t.language_id == "en"), None)


class StatementTextPart(ListPart):
    """`text` + `text_language` (the original) and `text_en` (an English translation); all in `texts`."""

    columns = {"text": "text", "language": "text_language", "text_en": "text_en"}
    keys = ("language", "text", "is_original", "translator")

    def __init__(self, relation="texts"):
        self.relation = self.list_column = relation

    def plan(self, instance, row) -> list[PendingPart]:
        text = self.list_cell(row)
        if text:
            return self.plan_list(instance, row, text)
        if not any(column in row for column in self.columns.values()):
            return []
        texts = _related(instance, self.relation)
        original, english = _original(texts), _english(texts)
        model, errors, pending = self.part_model(type(instance)), {}, []
        text, code = cell_text(row.get("text")), cell_text(row.get("text_language"))
        language = None
        if code:
            try:
                language = language_for(code)
            except ValueError as error:
                errors["text_language"] = [str(error)]
        if text:
            if not code and original is None:
                errors["text_language"] = [_("Give the language of the text, e.g. az-Latn.")]
            obj = original or model(is_original=True)
            changed = (
                original is None or obj.text != text or (language is not None and obj.language_id != language.code)
            )
            obj.text = text
            if language is not None:
                obj.language = language
            pending.append(PendingPart(obj, "statement", {"text": "text", "language": "text_language"}, changed))
        elif language is not None and (original is None or original.language_id != language.code):
            errors["text_language"] = [_("A language is given but the text is empty.")]
        translation = cell_text(row.get("text_en"))
        if translation:
            try:
                obj = english or model(is_original=False, language=language_for("en"))
            except ValueError as error:
                errors["text_en"] = [str(error)]
            else:
                changed = english is None or obj.text != translation
                obj.text = translation
                pending.append(PendingPart(obj, "statement", {"text": "text_en", "language": "text_en"}, changed))
        if errors:
            raise ValidationError(errors)
        return pending

    # --- the list column -----------------------------------------------------------------------

    def not_a_list(self, text: str) -> str:
        example = (
            '[{"language": "az-Latn", "text": "…", "is_original": true}, '
            '{"language": "en", "text": "…", "is_original": false, "translator": "the article’s author"}]'
        )
        return _("“%(cell)s” is not a JSON list of texts; write e.g. %(example)s.") % {
            "cell": as_written(text),
            "example": example,
        }

    def label(self, number: int, item) -> str:
        return _("Text %(number)s (%(item)s)") % {"number": number, "item": shown(item)}

    def item_values(self, item) -> dict:
        if not isinstance(item, dict) or set(item) - set(self.keys):
            raise ValueError(_("write each text as an object with the keys %(keys)s.") % {"keys": ", ".join(self.keys)})
        problems, values = [], {}
        for key in ("language", "text", "translator"):
            raw = item.get(key)
            if isinstance(raw, dict | list | bool):
                problems.append(_("“%(key)s” is not a text.") % {"key": key})
            else:
                values[key] = cell_text(raw)
        if values.get("language") == "":
            problems.append(_("give the language of the text (“language”), e.g. az-Latn."))
        elif values.get("language"):
            try:
                values["language"] = language_for(values["language"])
            except ValueError as error:
                problems.append(str(error))
        if values.get("text") == "":
            problems.append(_("give the words (“text”)."))
        try:
            values["is_original"] = self._yes_or_no(item.get("is_original"))
        except ValueError as error:
            problems.append(str(error))
        if problems:
            raise ValueError(" ".join(problems))
        return values

    @staticmethod
    def _yes_or_no(raw) -> bool:
        """`is_original`: true or false (a missing one is false: a translation, as in the admin)."""
        if isinstance(raw, bool):
            return raw
        try:
            if isinstance(raw, dict | list):
                raise ValueError
            return bool(BooleanWidget().clean(raw))
        except ValueError:
            raise ValueError(
                _("“is_original” is true (the original) or false (a translation), not “%(value)s”.")
                % {"value": shown(raw)}
            ) from None

    def conflicts(self, wanted: list) -> dict[int, str]:
        """One original; one translation per language (as the database has it)."""
        seen, problems = {}, {}
        for index, values in enumerate(wanted):
            if values["is_original"]:
                key, message = None, _("text %(number)s is the original already; a statement has one.")
            else:
                key = values["language"].code
                message = _("text %(number)s is already the translation into this language.")
            if key in seen:
                problems[index] = message % {"number": seen[key] + 1}
            seen.setdefault(key, index)
        return problems

    def matches(self, parts: list, wanted: list) -> list:
        """The original is the original (its language may change); a translation, the one into the same language."""

        def same(text, values):
            if values["is_original"]:
                return text.is_original
            return not text.is_original and text.language_id == values["language"].code

        return pair_up(parts, wanted, [same])

    def assign(self, obj, values) -> bool:
        changed = obj.pk is None or obj.language_id != values["language"].code
        obj.language = values["language"]
        for key in ("text", "is_original", "translator"):
            if getattr(obj, key) != values[key]:
                setattr(obj, key, values[key])
                changed = True
        return changed

    def check_agreement(self, row, wanted: list) -> None:
        """A filled `text`, `text_language` or `text_en` cell beside a list says what the list says."""
        original = next((values for values in wanted if values["is_original"]), None)
        english = next((v for v in wanted if not v["is_original"] and v["language"].code == "en"), None)
        given = {column: cell_text(row.get(column)) for column in self.columns.values()}
        errors = {}
        if given["text_language"]:
            try:
                given["text_language"] = language_for(given["text_language"]).code
            except ValueError as error:
                errors["text_language"] = [str(error)]
        theirs = {
            "text": original and original["text"],
            "text_language": original and original["language"].code,
            "text_en": english and english["text"],
        }
        for column, cell in given.items():
            if cell and column not in errors and cell != theirs[column]:
                errors[column] = [self._disagrees(row.get(column), theirs[column])]
        if errors:
            raise ValidationError(errors)

    def _disagrees(self, raw, theirs) -> str:
        cell = as_written(cell_text(raw))
        if theirs is None:
            message = _("“%(cell)s” describes a text that is not in %(list)s.")
        else:
            message = _("“%(cell)s” disagrees with %(list)s, which gives “%(theirs)s”.")
        advice = _("When a row has %(list)s, leave text, text_language and text_en empty or make them agree with it.")
        values = {"cell": cell, "list": self.list_column, "theirs": as_written(theirs or "")}
        return " ".join([message % values, advice % values])

    # --- writing -------------------------------------------------------------------------------

    def export(self, instance, key):
        if key is None:  # every text, the original first, as the admin lists them
            listed = [
                {"language": t.language_id, "text": t.text, "is_original": t.is_original, "translator": t.translator}
                for t in getattr(instance, self.relation).all()
            ]
            return written(listed)
        texts = _related(instance, self.relation)
        if key == "text_en":
            english = _english(texts)
            return english.text if english else ""
        original = _original(texts)
        if original is None:
            return ""
        return original.text if key == "text" else original.language_id
