"""Bringing a client list in (CSV or XLSX: upload, column mapping with a preview, then each
row's outcome) and taking the list out (CSV or XLSX, with the synchronised fields).

Between the steps the uploaded file waits in ``<data>/uploads/<account>/``, under a random
name the pages carry; after the import its outcomes wait there too, so the outcome page
can be reloaded (and asks again while cards are still syncing). Nothing of it is a model:
the rules are the import services' (:mod:`firmsync.enrichment.services.imports`).
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
from pathlib import Path
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from firmsync import conf
from firmsync.crm.errors import Invalid
from firmsync.enrichment.selectors import addon_view
from firmsync.enrichment.services.imports import (
    FIELDS,
    FORMATS,
    Outcome,
    export_cards,
    import_cards,
    import_outcomes,
    import_preview,
    mapping_with,
    read_table,
    totals_of,
)
from firmsync.web import labels
from firmsync.web.access import member_view
from firmsync.web.forms import CompanyFilter

__all__ = ["export_list", "import_done", "import_mapping", "import_upload"]

_KEY = re.compile(r"[0-9a-f]{32}")
SUFFIXES = (".csv", ".xlsx")


def _folder(account: Any) -> Path:
    folder = conf.load().data_dir / "uploads" / str(account.pk)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _upload(account: Any, key: str) -> Path:
    """The account's uploaded file ``key`` (another account's, or none: 404)."""
    if _KEY.fullmatch(key):
        for suffix in SUFFIXES:
            path = _folder(account) / f"{key}{suffix}"
            if path.exists():
                return path
    raise Http404


def _overrides(request: HttpRequest, header: tuple[str, ...]) -> list[tuple[str, str]]:
    """The mapping the user chose: ``map-<field>`` = a column of the file, or empty."""
    chosen = []
    for field in FIELDS:
        column = request.GET.get(f"map-{field}", request.POST.get(f"map-{field}"))
        if column is not None and (column == "" or column in header):
            chosen.append((field, column))
    return chosen


@member_view
def import_upload(request: HttpRequest, *, account: Any) -> HttpResponse:
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        name = upload.name if upload else ""
        if upload is None or not name.lower().endswith(SUFFIXES):
            error = _("Choose a CSV or XLSX file.")
        else:
            try:
                read_table(upload, name=name)  # refused here, with the reason, if unreadable
            except Invalid as refused:
                error = refused.message
            else:
                key = secrets.token_hex(16)
                upload.seek(0)
                path = _folder(account) / f"{key}{Path(name).suffix.lower()}"
                with path.open("wb") as kept:
                    for chunk in upload.chunks():
                        kept.write(chunk)
                (_folder(account) / f"{key}.name").write_text(name, encoding="utf-8")
                return redirect("web:import_mapping", key=key)
    status = 422 if error else 200
    return render(request, "web/lists/upload.html", {"error": error}, status=status)


@member_view
def import_mapping(request: HttpRequest, key: str, *, account: Any) -> HttpResponse:
    """The file's columns matched to card fields (guessed, then as the user chooses), the
    first rows as they would become cards, and the duplicates; POST imports."""
    path = _upload(account, key)
    table = read_table(path)
    name = (path.with_suffix(".name")).read_text(encoding="utf-8")
    error = None
    try:
        mapping = mapping_with(table.header, _overrides(request, table.header))
        preview = import_preview(account, table, mapping)
    except Invalid as refused:
        error, mapping, preview = refused.message, {}, None
    if request.method == "POST" and preview is not None:
        results = import_cards(
            account, table, mapping, skip_duplicates=request.POST.get("keep") != "yes"
        )
        kept = [row.to_dict() for row in results]
        path.with_suffix(".json").write_text(json.dumps(kept), encoding="utf-8")
        path.unlink()  # the file's rows are cards now; the outcomes stay
        return redirect("web:import_done", key=key)
    context = {
        "key": key,
        "name": name,
        "how": table.describe(),
        "header": table.header,
        "fields": [
            (field, labels.FIELDS.get(field, field), mapping.get(field)) for field in FIELDS
        ],
        "preview": preview,
        "error": error,
    }
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "web/lists/_preview.html" if fragment else "web/lists/mapping.html"
    return render(request, template, context, status=422 if error else 200)


@member_view
def import_done(request: HttpRequest, key: str, *, account: Any) -> HttpResponse:
    """Each row's outcome — created (and how its sync stands), duplicate, invalid with the
    reason — asked again every 3 s while cards are still syncing."""
    if not _KEY.fullmatch(key):
        raise Http404
    kept = _folder(account) / f"{key}.json"
    if not kept.exists():
        raise Http404
    results = import_outcomes(
        account, [Outcome(**row) for row in json.loads(kept.read_text(encoding="utf-8"))]
    )
    rows = [
        {
            **row.to_dict(),
            "state_label": labels.STATES.get(row.sync_state or "", row.sync_state),
            "field_label": labels.FIELDS.get(row.field or "", row.field),
        }
        for row in results
    ]
    # A created card with no sync yet, or one under way, is still syncing while the add-on
    # is on; with it off, cards stay unsynced and there is nothing to wait for.
    waiting = ("none", "pending") if addon_view(account)["active"] else ()
    syncing = any(row.result == "created" and row.sync_state in waiting for row in results)
    context = {"key": key, "rows": rows, "totals": totals_of(results), "syncing": syncing}
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "web/lists/_outcomes.html" if fragment else "web/lists/done.html"
    return render(request, template, context)


@member_view
def export_list(request: HttpRequest, *, account: Any) -> HttpResponse:
    """The account's cards — the list's filters applied — as CSV or XLSX, in the user's
    language's headers."""
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        fmt = "csv"
    chosen = CompanyFilter(request.GET).filters()
    romanian = getattr(request, "LANGUAGE_CODE", "ro") == "ro"
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (the response closes it)
    export_cards(
        account,
        fmt,
        out,
        romanian=romanian,
        delimiter=";" if romanian and fmt == "csv" else ",",
        state=chosen["state"] or None,
        status=chosen["status"] or None,
        county=chosen["county"] or None,
        text=chosen["q"] or None,
        sort=chosen["sort"] or "name",
    )
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=f"firmsync-companies.{fmt}")
