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
from django.http import HttpResponseRedirect, JsonResponse
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

from archive.admin import importjobs
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
        """Upload a file and preview a dry run (a background job, archive.admin.importjobs); a clean dry run
        offers “Confirm import”, which runs the import as a job too."""
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
            except ImportFileError as error:
                form.add_error("import_file", str(error))
            else:
                try:
                    return self._start_preview(request, form, upload.name, data)
                except ImportFileError as error:
                    form.add_error("format", str(error))
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
            fmt = self._format_key(confirm_form.cleaned_data["format"])
        except ImportFileError as error:
            storage.remove()
            messages.error(request, str(error))
            return HttpResponseRedirect(import_url)
        user = request.user
        upload = self._upload_work(
            data,
            file_name=confirm_form.cleaned_data["original_file_name"],
            user=user,
            fmt=fmt,
            dry_run=False,
            retain_instances=True,
            create_duplicates=bool(signed.get("create_duplicates")),
            id_seed=signed.get("id_seed"),
        )

        def work(progress):
            try:
                return upload(progress)
            finally:
                storage.remove()

        job = importjobs.start(user=user, kind="import", work=work)
        return self._job_answer(request, job)

    # --- jobs ----------------------------------------------------------------------------------------

    def _start_preview(self, request, form, file_name: str, data: bytes):
        """Store the upload (the confirmed import reads it again) and preview it as a job."""
        fmt = self._format_key(form.cleaned_data["format"])
        create_duplicates = form.cleaned_data["create_duplicates"]
        id_seed = secrets.token_hex(16)
        storage = self._tmp_storage()
        storage.save(data)
        user = request.user
        work = self._upload_work(
            data,
            file_name=file_name,
            user=user,
            fmt=fmt,
            dry_run=True,
            preview=True,
            create_duplicates=create_duplicates,
            id_seed=id_seed,
        )

        # The confirm form carries the stored file's name and the preview's choices, signed: nobody can point
        # it at another file, and the import does what the preview showed (the same new ids).
        signed = signing.dumps(
            {"file": storage.name, "user": user.pk, "create_duplicates": create_duplicates, "id_seed": id_seed},
            salt=SALT,
        )
        job = importjobs.start(
            user=user, kind="preview", work=work, signed=signed, original=file_name, format=form.cleaned_data["format"]
        )
        return self._job_answer(request, job)

    def _upload_work(self, data: bytes, **options):
        """An upload's import (or dry run) as a job's work: `work(progress)`, under the upload's limits."""
        model = self.model

        def work(progress):
            return import_records(
                model,
                data,
                max_bytes=settings.ARCHIVE_IMPORT_MAX_BYTES,
                limits=Limits.for_upload(),
                progress=progress,
                **options,
            )

        return work

    def _job_answer(self, request, job: str):
        """A job that is done within a moment is answered at once; a longer one by its progress page."""
        importjobs.wait(job)
        return self._job_result(request, job) or HttpResponseRedirect(self._job_url(job))

    def _job_url(self, job: str) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import_job", args=[job])

    def import_job_view(self, request, job: str):
        """A job's progress page (its state as JSON with `?state`), or its result once it is done."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        state = importjobs.owned(job, request.user)
        if state is None:
            messages.error(request, _("This import is not known (or not yours); upload the file again."))
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))
        if "state" in request.GET:
            keys = ("status", "rows", "total")
            return JsonResponse({key: state.get(key) for key in keys}, headers={"Cache-Control": "no-store"})
        answer = self._job_result(request, job)
        if answer is not None:
            return answer
        context = {
            **self.admin_site.each_context(request),
            "title": _("Importing %(kind)s") % {"kind": self.model._meta.verbose_name_plural},
            "opts": self.model._meta,
            "state": state,
            "preview": state["kind"] == "preview",
            "state_url": f"{self._job_url(job)}?state",
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/import_export/archive_import_job.html", context)

    def _job_result(self, request, job: str):
        """The finished job's page: a preview with “Confirm import”, the errors, or the list after an import;
        None while it runs."""
        state = importjobs.owned(job, request.user)
        if state is None or state["status"] == "running":
            return None
        form = self._blank_import_form(request)
        form.cleaned_data = {}  # unbound, yet it says what was wrong with the file
        context = self.get_import_context_data()
        if state["status"] == "failed":
            importjobs.discard(job)
            form.add_error("import_file", state.get("message") or _("The import failed; nothing was written."))
            return self._render_import(request, form, context)
        report = importjobs.report(job)
        if report is None:
            form.add_error("import_file", _("The import's result is no longer available; upload the file again."))
            return self._render_import(request, form, context)
        context.update({"result": report.result, "report": report})
        if state["kind"] == "preview":
            if report.ok:
                context["confirm_form"] = self.get_confirm_form_class(request)(
                    initial={
                        "import_file_name": state["signed"],
                        "original_file_name": state["original"],
                        "format": state["format"],
                    }
                )
            return self._render_import(request, form, context)
        if not report.ok:  # the archive changed since the preview
            return self._render_import(request, form, context)
        importjobs.discard(job)
        self.generate_log_entries(report.result, request)
        messages.success(request, report.summary())
        post_import.send(sender=None, model=self.model)
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def _blank_import_form(self, request):
        form_class = self.get_import_form_class(request)
        return form_class(self.get_import_formats(), self.get_import_resource_classes(request))

    def get_urls(self):
        from django.urls import path

        opts = self.model._meta
        jobs = [
            path(
                "import/job/<str:job>/",
                self.admin_site.admin_view(self.import_job_view),
                name=f"{opts.app_label}_{opts.model_name}_import_job",
            )
        ]
        return jobs + super().get_urls()
