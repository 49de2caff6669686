"""Import and export in the admin: CSV, XLSX and JSON only, behind their own permissions.

The import page previews a dry run of `archive.imports.import_records` (the
service `manage.py import_records` calls too) and, once confirmed, runs it for
real on the same stored file. Import needs ``archive.import_<model>``, export
``archive.export_<model>`` (settings IMPORT/EXPORT_PERMISSION_CODE); anyone
else gets 403. An upload is held to ARCHIVE_IMPORT_MAX_BYTES and to
`Limits.for_upload()` (ARCHIVE_IMPORT_MAX_ROWS rows, ARCHIVE_IMPORT_MAX_COLUMNS
columns, what an XLSX may unpack to); larger files go through the command.
Exports go through the same formats, so a cell starting with a formula
character is escaped reversibly and `private_note` is never exported.
"""

import os
import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm
from import_export.signals import post_import
from import_export.tmp_storages import TempFolderStorage

from archive.imports import ImportFileError, Limits, import_records
from archive.resources import resource_for
from archive.resources.files import FORMAT_CLASSES, CSVFormat, JSONFormat, XLSXFormat

FORMAT_KEYS = {cls: key for key, cls in FORMAT_CLASSES.items()}
SALT = "archive.import.confirm"
CONFIRM_MAX_AGE = 24 * 3600  # seconds between preview and confirmation


class RecordImportForm(ImportForm):
    create_duplicates = forms.BooleanField(
        label=gettext_lazy("Create rows that look like duplicates anyway"),
        required=False,
        help_text=gettext_lazy(
            "A new row (without a public id) that repeats a record the archive has is skipped unless this is ticked."
        ),
    )


class RecordImportExportMixin(ImportExportMixin):
    formats = [CSVFormat, XLSXFormat, JSONFormat]
    import_template_name = "admin/import_export/archive_import.html"
    import_form_class = RecordImportForm
    tmp_storage_class = TempFolderStorage

    def get_resource_classes(self, request=None):
        return [resource_for(self.model)]

    def _format_key(self, index) -> str:
        try:
            return FORMAT_KEYS[self.get_import_formats()[int(index)]]
        except (ValueError, IndexError, KeyError):
            raise ImportFileError(_("Choose the file's format: CSV, XLSX or JSON.")) from None

    def _tmp_storage(self, name=None):
        return self.get_tmp_storage_class()(name=name, encoding=None, read_mode="rb")

    def _render_import(self, request, form, context):
        resource = resource_for(self.model)()
        context.update(self.admin_site.each_context(request))
        context.update(
            {
                "title": _("Import %(kind)s") % {"kind": self.model._meta.verbose_name_plural},
                "form": form,
                "opts": self.model._meta,
                "media": self.media + form.media,
                "fields_list": [(resource.get_display_name(), resource.importable_columns())],
                "import_error_display": self.import_error_display,
                "max_megabytes": settings.ARCHIVE_IMPORT_MAX_BYTES / 1048576,
            }
        )
        if context.get("report") is not None:
            context["duplicate_rows"] = self._duplicate_rows(context["report"])
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def _duplicate_rows(self, report) -> list[tuple[str, str, str | None]]:
        """(note, public id, admin link) per row skipped as a probable duplicate; no link when the row
        repeats an earlier row of the file rather than a record."""
        ids = {public_id for _row, public_id in report.duplicates}
        pks = dict(self.model.objects.filter(public_id__in=ids).values_list("public_id", "pk"))
        change = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        return [
            (note, public_id, reverse(change, args=[pks[public_id]]) if public_id in pks else None)
            for note, (_row, public_id) in zip(report.duplicate_notes, report.duplicates, strict=True)
        ]

    def import_action(self, request, **kwargs):
        """Upload a file and preview a dry run; a clean dry run offers “Confirm import”."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        context = self.get_import_context_data()
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            max_bytes = settings.ARCHIVE_IMPORT_MAX_BYTES
            try:
                if upload.size > max_bytes:
                    raise ImportFileError(
                        _("The file is larger than %(max).1f MB: import it with manage.py import_records.")
                        % {"max": max_bytes / 1048576}
                    )
                data = b"".join(upload.chunks())
                create_duplicates = form.cleaned_data["create_duplicates"]
                id_seed = secrets.token_hex(16)
                report = import_records(
                    self.model,
                    data,
                    file_name=upload.name,
                    user=request.user,
                    fmt=self._format_key(form.cleaned_data["format"]),
                    dry_run=True,
                    max_bytes=max_bytes,
                    limits=Limits.for_upload(),
                    preview=True,
                    create_duplicates=create_duplicates,
                    id_seed=id_seed,
                )
            except ImportFileError as error:
                form.add_error("import_file", str(error))
            else:
                context.update({"result": report.result, "report": report})
                if report.ok:
                    storage = self._tmp_storage()
                    storage.save(data)
                    # The confirm form carries the stored file's name and the preview's choices, signed: nobody can
                    # point it at another file, and the import does what the preview showed (the same new ids).
                    upload.tmp_storage_name = signing.dumps(
                        {
                            "file": storage.name,
                            "user": request.user.pk,
                            "create_duplicates": create_duplicates,
                            "id_seed": id_seed,
                        },
                        salt=SALT,
                    )
                    context["confirm_form"] = self.create_confirm_form(request, import_form=form)
        return self._render_import(request, form, context)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """Run the confirmed import on the file stored by the preview."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        import_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        if not confirm_form.is_valid():
            messages.error(request, _("The import form was incomplete; upload the file again."))
            return HttpResponseRedirect(import_url)
        try:
            signed = signing.loads(confirm_form.cleaned_data["import_file_name"], salt=SALT, max_age=CONFIRM_MAX_AGE)
            if signed["user"] != request.user.pk:
                raise signing.BadSignature
            storage = self._tmp_storage(os.path.basename(signed["file"]))
            data = storage.read()
        except (signing.BadSignature, KeyError, TypeError, OSError):
            messages.error(request, _("The uploaded file is no longer available; upload it again."))
            return HttpResponseRedirect(import_url)
        try:
            report = import_records(
                self.model,
                data,
                file_name=confirm_form.cleaned_data["original_file_name"],
                user=request.user,
                fmt=self._format_key(confirm_form.cleaned_data["format"]),
                dry_run=False,
                max_bytes=settings.ARCHIVE_IMPORT_MAX_BYTES,
                limits=Limits.for_upload(),
                retain_instances=True,
                create_duplicates=bool(signed.get("create_duplicates")),
                id_seed=signed.get("id_seed"),
            )
        except ImportFileError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(import_url)
        finally:
            storage.remove()
        if not report.ok:  # the archive changed since the preview
            form_class = self.get_import_form_class(request)
            form = form_class(self.get_import_formats(), self.get_import_resource_classes(request))
            return self._render_import(request, form, {"result": report.result, "report": report})
        self.generate_log_entries(report.result, request)
        messages.success(request, report.summary())
        post_import.send(sender=None, model=self.model)
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
