"""Checking and cleaning what students upload: the types in ``ACCEPTED_TYPES``, and nothing else.

Nothing here trusts the file name or the browser's content type: the type comes from the bytes,
and a file is only accepted once the library that will later read it (pypdf, Pillow) has read it
completely. Photos are re-encoded as JPEG without metadata before anyone else sees them, so a
phone's GPS position never leaves the student's device through us.

``ACCEPTED_TYPES`` is the one list of what may be uploaded: the checks, the file picker's
``accept`` attribute, the stored type and extension of evidence and the tests all read it.

The upload handler below stops writing a file to disk as soon as it is larger than the limit, and
leaves a note on the request so that the view can say why the file is missing.
"""

from __future__ import annotations

import io
import os
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

import pillow_heif
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageFile, ImageOps
from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from cil.errors import UserFacingError

# HEIC is what iPhones save photos as; pillow_heif teaches Pillow to open it (format "HEIF").
pillow_heif.register_heif_opener()

# A 50-megapixel RGBA picture already takes 200 MB of memory to decode; nothing a phone or a
# scanner produces for a portfolio is larger. Pillow's own guard only starts at ~89 MP.
MAX_IMAGE_PIXELS = 50_000_000
PHOTO_MAX_SIDE = 2560
THUMBNAIL_BOX = (480, 480)
JPEG_QUALITY = 85

# How many leading bytes the type detection looks at (the HEIF 'ftyp' box header needs 12).
_HEAD_BYTES = 32

# The HEIF brands that mean "HEVC-coded image" (or the generic image brands of the format).
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})


class UploadRejected(UserFacingError):
    """The message (str(exc)) is for the user, already translated."""


@dataclass(frozen=True)
class Stored:
    """How an accepted file is kept: its content type and extension in storage."""

    content_type: str
    extension: str


# Photos are re-encoded by clean_image(), so whatever arrived is stored as a JPEG.
STORED_PHOTO = Stored("image/jpeg", ".jpg")


@dataclass(frozen=True)
class Inspected:
    """What an accepted upload really is, decided from its bytes."""

    kind: str  # "pdf" or "image"
    content_type: str  # the type of the bytes, e.g. "image/heic"
    extension: str  # the type's usual extension, e.g. ".heic"

    @property
    def stored(self) -> Stored:
        """How this upload is stored: a PDF as it is, a photo re-encoded as JPEG."""
        return _BY_CONTENT_TYPE[self.content_type].stored


@dataclass(frozen=True)
class AcceptedType:
    """One type of file that may be uploaded; a row of ``ACCEPTED_TYPES``."""

    label: str  # the format's name in messages; a name, so the same in every language
    kind: str  # "pdf" or "image"
    content_type: str
    # A file name may end in any of these (or in nothing); the first is the one to suggest.
    extensions: tuple[str, ...]
    signature: Callable[[bytes], bool]  # do the file's first bytes announce this type?
    pillow_format: str | None  # the only Pillow plugin allowed to open it; None for PDF
    # Other names browsers give the type, for the file picker.
    mime_aliases: tuple[str, ...] = ()
    # The file picker offers the type by its extensions too: not every browser knows its MIME
    # type (Windows and Android browsers do not know HEIC), and would grey the file out.
    picker_by_name: bool = False

    @property
    def inspected(self) -> Inspected:
        return Inspected(self.kind, self.content_type, self.extensions[0])

    @property
    def stored(self) -> Stored:
        return (
            STORED_PHOTO if self.kind == "image" else Stored(self.content_type, self.extensions[0])
        )

    @property
    def picker_tokens(self) -> tuple[str, ...]:
        names = self.extensions if self.picker_by_name else ()
        return (self.content_type, *self.mime_aliases, *names)


def _starts_with(prefix: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(prefix)


def _is_webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _is_heif(head: bytes) -> bool:
    # ISO BMFF: the first box is 'ftyp' (4-byte size, 4-byte type), then the major brand. Only
    # the major brand counts: MP4 videos and AVIF list 'mif1' among their compatible brands too.
    is_ftyp = head[4:8] == b"ftyp" and int.from_bytes(head[:4], "big") >= 16
    return is_ftyp and head[8:12] in _HEIF_BRANDS


ACCEPTED_TYPES: tuple[AcceptedType, ...] = (
    AcceptedType(
        label="PDF",
        kind="pdf",
        content_type="application/pdf",
        extensions=(".pdf",),
        signature=_starts_with(b"%PDF-"),
        pillow_format=None,
    ),
    AcceptedType(
        label="JPEG",
        kind="image",
        content_type="image/jpeg",
        extensions=(".jpg", ".jpeg", ".jfif"),
        signature=_starts_with(b"\xff\xd8\xff"),
        pillow_format="JPEG",
    ),
    AcceptedType(
        label="PNG",
        kind="image",
        content_type="image/png",
        extensions=(".png",),
        signature=_starts_with(b"\x89PNG\r\n\x1a\n"),
        pillow_format="PNG",
    ),
    AcceptedType(
        label="WebP",
        kind="image",
        content_type="image/webp",
        extensions=(".webp",),
        signature=_is_webp,
        pillow_format="WEBP",
    ),
    AcceptedType(
        label="HEIC",
        kind="image",
        content_type="image/heic",
        extensions=(".heic", ".heif"),
        signature=_is_heif,
        pillow_format="HEIF",
        mime_aliases=("image/heif",),
        picker_by_name=True,
    ),
)

_BY_CONTENT_TYPE = {accepted.content_type: accepted for accepted in ACCEPTED_TYPES}

# The evidence form's file picker: what it offers; the server still decides by the bytes.
FILE_PICKER_ACCEPT = ",".join(token for t in ACCEPTED_TYPES for token in t.picker_tokens)

# "PDF, JPEG, PNG, WebP or HEIC", joined when shown, in the language of the moment (Django's own
# catalogue translates the "or").
ALLOWED_DESCRIPTION = lazy(
    lambda: get_text_list([accepted.label for accepted in ACCEPTED_TYPES]), str
)()


def stored_extension(content_type: str) -> str:
    """The extension for a stored file of this type (evidence keeps the stored type)."""
    for accepted in ACCEPTED_TYPES:
        if accepted.stored.content_type == content_type:
            return accepted.stored.extension
    return STORED_PHOTO.extension  # nothing else is stored; treated as a photo, as always


# The sentences that name the accepted types are translated whole: Norwegian says "PDF eller
# JPEG-, PNG-, WebP- eller HEIC-bilde", which no list join can build. A test checks that each
# names every label of ACCEPTED_TYPES, in order, so a new type cannot be left out of one.


def not_accepted_message() -> str:
    return _("This file is not a PDF, JPEG, PNG, WebP or HEIC photo. Upload one of those.")


def not_a_photo_message() -> str:
    return _("This file is not a JPEG, PNG, WebP or HEIC photo. Upload one of those.")


def file_help_text() -> str:
    """The evidence form's help for its file field: the accepted types and the size limit."""
    return _("PDF, JPEG, PNG, WebP or HEIC photo, up to %(mb)d MB.") % {
        "mb": max_upload_bytes() // (1024 * 1024)
    }


def max_upload_bytes() -> int:
    """The largest file accepted (``CIL_UPLOAD_MAX_MB``); read on each use, as tests lower it."""
    return int(settings.CIL_UPLOAD_MAX_BYTES)


def is_over_limit(size: int) -> bool:
    """The one size rule: the upload handler and ``inspect_upload`` both apply it."""
    return size > max_upload_bytes()


def _sniff(head: bytes) -> AcceptedType | None:
    """The type the leading bytes announce, or None when they announce none we accept."""
    return next((t for t in ACCEPTED_TYPES if t.signature(head)), None)


def _file_size(upload: UploadedFile[bytes]) -> int:
    """The real number of bytes; ``upload.size`` may be missing or set by hand."""
    upload.seek(0, os.SEEK_END)
    size: int = upload.tell()
    return size


def _read_head(upload: UploadedFile[bytes]) -> bytes:
    upload.seek(0)
    head: bytes = upload.read(_HEAD_BYTES)
    return head


def inspect_upload(upload: UploadedFile[bytes]) -> Inspected:
    """Decide the type from the bytes, never from the name or the browser's content type.

    Rejects (``UploadRejected``, with a message that says what to do):

    - an empty file, or one over the limit (``is_over_limit``: a file that came in a request
      was already dropped by the upload handler; this catches files from anywhere else);
    - anything whose leading bytes match no ``signature`` in ``ACCEPTED_TYPES``;
    - a name whose extension is not one of the detected type's ``extensions`` (compared
      case-insensitively). A name without an extension is fine;
    - a PDF that pypdf cannot open, that is encrypted with a password, or that has no pages;
    - an image Pillow cannot fully decode, or that has more than 50 megapixels (Pillow's
      decompression-bomb warning and error count as rejections too).

    Reads only the first bytes itself; pypdf and Pillow get the file object and read what they
    need, so a 20 MB PDF is never copied into memory here. Leaves the file position at 0.
    """
    try:
        size = _file_size(upload)
        if size == 0:
            raise UploadRejected(
                _("This file is empty. Check that you chose the right file and upload it again.")
            )
        if is_over_limit(size):
            raise UploadRejected(_too_large_message(size))

        fmt = _sniff(_read_head(upload))
        if fmt is None:
            raise UploadRejected(not_accepted_message())
        _check_extension(upload.name or "", fmt)

        upload.seek(0)
        if fmt.pillow_format is None:
            _check_pdf(upload)
        else:
            with _open_image(upload, fmt.pillow_format) as img:
                _load(img)
        return fmt.inspected
    finally:
        upload.seek(0)


def _too_large_message(size: int) -> str:
    return _(
        "This file is %(size)s, more than the limit of %(limit)s. Make it smaller (for "
        "example, export the PDF again with smaller pictures, or send a smaller photo) and "
        "upload it again."
    ) % {"size": filesizeformat(size), "limit": filesizeformat(max_upload_bytes())}


def _check_extension(name: str, fmt: AcceptedType) -> None:
    extension = os.path.splitext(display_name(name))[1].lower()
    if not extension or extension in fmt.extensions:
        return
    raise UploadRejected(
        _(
            "This file is in %(kind)s format, but its name ends in “%(extension)s”. Rename it "
            "to end in %(expected)s and upload it again."
        )
        % {
            "kind": fmt.label,
            # The part after the dot comes from the user; keep what we echo back short.
            "extension": extension[:20],
            "expected": fmt.extensions[0],
        }
    )


def _check_pdf(upload: UploadedFile[bytes]) -> None:
    """pypdf must open the PDF and count at least one page; the file position is not restored."""
    broken = _(
        "This PDF could not be opened; it may be damaged. Open it on your computer, save or "
        "export it as a new PDF, and upload that."
    )
    protected = _(
        "This PDF is protected with a password or encryption, so reviewers could not open it. "
        "Save or print it as a new PDF without protection and upload that."
    )
    try:
        reader = PdfReader(upload, strict=False)
        pages = len(reader.pages)
    except (FileNotDecryptedError, DependencyError) as exc:
        # pypdf tries the empty password itself (a PDF locked only against editing opens, with
        # the 'cryptography' package for AES); what remains needs a password.
        raise UploadRejected(protected) from exc
    except Exception as exc:
        # A hostile or damaged PDF can make a parser fail in many ways (pypdf's own errors,
        # but also ValueError, KeyError, RecursionError, ...): each one means "cannot open".
        raise UploadRejected(broken) from exc
    if pages == 0:
        raise UploadRejected(_("This PDF has no pages. Upload a PDF that contains your document."))


def _image_unreadable() -> UploadRejected:
    return UploadRejected(
        _(
            "This picture could not be read; it may be damaged or incomplete. Open it on your "
            "device, save or export it again, and upload the new copy."
        )
    )


def _image_too_large() -> UploadRejected:
    return UploadRejected(
        _(
            "This picture has more than %(megapixels)s megapixels. Make it smaller (for example, "
            "export it at a lower resolution) and upload it again."
        )
        % {"megapixels": MAX_IMAGE_PIXELS // 1_000_000}
    )


@contextmanager
def _open_image(upload: UploadedFile[bytes], pillow_format: str) -> Iterator[Image.Image]:
    """Open with only the plugin the bytes announced; reject bombs before anything is decoded.

    Used as a context manager so that Pillow lets go of the file without closing it: the
    upload stays open for the caller (``Image.close()`` would close it).
    """
    upload.seek(0)
    try:
        # The filter is process-wide while it is in place; in the worst case another thread
        # sees a warning raised as an error. Our own pixel check below is the real guard; this
        # only makes sure Pillow's guard (which fires inside open()) is a rejection, not noise.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(upload, formats=[pillow_format])
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise _image_too_large() from exc
    except Exception as exc:
        # Image.open raises UnidentifiedImageError, but plugins may also raise OSError,
        # SyntaxError, ValueError, struct.error, ... on crafted headers.
        raise _image_unreadable() from exc
    with img:
        width, height = img.size
        if width * height > MAX_IMAGE_PIXELS:
            raise _image_too_large()
        yield img


def _load(img: Image.Image) -> None:
    """Decode every pixel (of the first frame); a truncated or corrupt file fails here."""
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when it is imported, which
    # would let a cut-off photo through; an upload is never decoded that way.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise _image_too_large() from exc
    except Exception as exc:
        raise _image_unreadable() from exc


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(img: Image.Image) -> Image.Image:
    """Convert colours to sRGB when the picture carries an ICC profile.

    iPhones shoot in Display P3; dropping that profile without converting would make the photo
    look dull. A profile we cannot use is ignored: the numbers are then shown as sRGB.
    """
    icc = img.info.get("icc_profile")
    if not icc or img.mode not in ("RGB", "RGBA", "CMYK"):
        return img
    try:
        converted = ImageCms.profileToProfile(
            img,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            _SRGB,
            outputMode="RGBA" if img.mode == "RGBA" else "RGB",
        )
        # Not in place, so it returns the converted image (None only when inPlace=True).
        return cast(Image.Image, converted)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return img


def _to_rgb(img: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency flattened onto white, 16-bit grey scaled down to 8 bits."""
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        # A plain convert() would clip every value above 255 to white.
        img = img.point(lambda value: value / 256).convert("L")
    has_alpha = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info
    if not has_alpha:
        return img.convert("RGB")
    rgba = img.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def _jpeg(img: Image.Image, name: str) -> ContentFile[bytes]:
    # A new image holds only pixels: no EXIF, XMP, ICC or comments can ride along in .info.
    bare = Image.new("RGB", img.size)
    bare.paste(img)
    out = io.BytesIO()
    bare.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(out.getvalue(), name=name)


def clean_image(upload: UploadedFile[bytes]) -> tuple[ContentFile[bytes], ContentFile[bytes]]:
    """Re-encode a photo as JPEG without any metadata, plus a thumbnail.

    Call after ``inspect_upload`` said ``kind == "image"`` (a file that is not an accepted
    image raises ``UploadRejected`` here too). The EXIF orientation is applied first so the
    picture stays upright; colours are converted to sRGB when an ICC profile says how;
    transparency is flattened onto white; the long side is limited to 2560 px; quality 85,
    optimised. The result has no EXIF (so no GPS position), no XMP and no ICC profile.

    Returns ``(photo, thumbnail)``: ``ContentFile`` objects named ``photo.jpg`` and
    ``thumbnail.jpg`` (the caller renames them); the thumbnail fits in 480x480 px. Leaves the
    upload's file position at 0.
    """
    try:
        fmt = _sniff(_read_head(upload))
        if fmt is None or fmt.pillow_format is None:
            raise UploadRejected(not_a_photo_message())
        with _open_image(upload, fmt.pillow_format) as img:
            _load(img)
            try:
                # Returns a copy with .info (and so the ICC profile) carried over.
                img = ImageOps.exif_transpose(img)
            except Exception:
                # Broken EXIF should not cost the student the photo; it is dropped below anyway.
                img = img.copy()
            img = _to_rgb(_to_srgb(img))
        img.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
        photo = _jpeg(img, "photo.jpg")
        img.thumbnail(THUMBNAIL_BOX, Image.Resampling.LANCZOS)
        thumbnail = _jpeg(img, "thumbnail.jpg")
        return photo, thumbnail
    finally:
        upload.seek(0)


# Invisible characters that change how the rest of a name is shown: bidi overrides and
# isolates (U+202A-U+202E, U+2066-U+2069) are format characters (category Cf), like zero-width
# spaces; control characters (Cc) would break headers and logs; surrogates (Cs) cannot be encoded.
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
DISPLAY_NAME_MAX = 120
_MAX_KEPT_EXTENSION = 16


def display_name(name: str) -> str:
    """The original file name made safe to show and to put in Content-Disposition.

    Only the last path component is kept (``/`` and ``\\`` both separate; ``.`` and ``..``
    count as nothing); the name is NFC-normalised; whitespace of any kind becomes one space,
    and other control and format characters (including bidi overrides, which can disguise
    ``gpj.exe`` as ``exe.jpg``) are removed; leading and trailing spaces go. At most 120
    characters: a longer name is shortened before its extension, so ``.pdf`` survives. Falls
    back to ``file`` when nothing is left.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(" " if char.isspace() else char for char in name)
    name = "".join(char for char in name if unicodedata.category(char) not in _REMOVED_CATEGORIES)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(name.split())
    if name in {".", ".."}:
        name = ""
    if len(name) > DISPLAY_NAME_MAX:
        stem, extension = os.path.splitext(name)
        if len(extension) > _MAX_KEPT_EXTENSION:
            # Not an extension anyone would recognise, just a dot in a long name.
            stem, extension = name, ""
        name = stem[: DISPLAY_NAME_MAX - len(extension)].rstrip() + extension
    return name or "file"


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams each uploaded file to a temporary file on disk, up to a size limit.

    This is Django's ``TemporaryFileUploadHandler`` (so nothing is held in memory), except
    that a file which grows past the limit (``is_over_limit``) is not written any further:
    the handler raises ``SkipFile``, Django closes (and so deletes) the temporary file, reads
    the rest of that file from the request without keeping it, and leaves it out of
    ``request.FILES``. Other files and fields in the same request are unaffected.

    Contract with views: a skipped file is recorded on the request before it is skipped, as
    ``request.cil_rejected_uploads``, a list of ``(field_name, file_name)`` tuples in the
    order they arrived (``file_name`` as the browser sent it, after Django's own
    sanitising; pass it through ``display_name`` before showing it). The attribute exists
    only once a file has been skipped, so read it as
    ``getattr(request, "cil_rejected_uploads", [])`` after touching ``request.FILES``.
    ``too_large_message()`` gives the text to show.

    The request body as a whole is still read to the end; the web server's own body limit
    (e.g. nginx ``client_max_body_size``) is what keeps a huge request from being received.
    """

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self._received += len(raw_data)
        if is_over_limit(self._received):
            if self.request is not None:
                rejected = getattr(self.request, "cil_rejected_uploads", None)
                if rejected is None:
                    # Our own attribute on Django's request; read back with getattr().
                    rejected = self.request.cil_rejected_uploads = []  # type: ignore[attr-defined]
                rejected.append((self.field_name, self.file_name))
            # Checked before writing, so not one byte past the limit reaches the disk.
            raise SkipFile()
        return super().receive_data_chunk(raw_data, start)

    @staticmethod
    def too_large_message() -> str:
        """What to tell the user about a file this handler skipped, already translated."""
        return _(
            "This file is larger than the limit of %(limit)s. Make it smaller (for example, "
            "export the PDF again with smaller pictures, or send a smaller photo) and upload "
            "it again."
        ) % {"limit": filesizeformat(max_upload_bytes())}
