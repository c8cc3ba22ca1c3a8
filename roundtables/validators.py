from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from roundtables.models import MAX_MATERIAL_BYTES

PDF_MAGIC = b"%PDF-"


def validate_pdf(upload) -> None:
    """Refuse a file over the size limit, or one whose content does not start as a PDF does.

    The name and the browser's stated type are not trusted: only the first bytes count.
    """
    if upload.size > MAX_MATERIAL_BYTES:
        raise ValidationError(
            _("This file is too large: a PDF can be at most %(limit)s MB."),
            code="too_large",
            params={"limit": MAX_MATERIAL_BYTES // (1024 * 1024)},
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(
            _("This file is not a PDF. Only PDF documents can be uploaded."), code="not_pdf"
        )


def below_confirmed_message(count: int) -> str:
    """Why a capacity cannot go below the seats already confirmed."""
    return ngettext(
        "%(count)s seat is already confirmed; the capacity cannot be lower.",
        "%(count)s seats are already confirmed; the capacity cannot be lower.",
        count,
    ) % {"count": count}
