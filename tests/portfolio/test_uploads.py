"""What uploads are accepted, how photos are cleaned, and how oversize files are turned away.

Every file is built here from real bytes (Pillow, pillow_heif, pypdf); none is committed.
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Callable, Iterator

import pillow_heif
import pytest
from django.core.files.uploadedfile import (
    SimpleUploadedFile,
    TemporaryUploadedFile,
    UploadedFile,
)
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from PIL import Image
from pypdf import PdfWriter

from portfolio.forms import EvidenceForm
from portfolio.models import Evidence
from portfolio.uploads import (
    ACCEPTED_TYPES,
    ALLOWED_DESCRIPTION,
    AcceptedType,
    Inspected,
    LimitedTemporaryFileUploadHandler,
    UploadRejected,
    clean_image,
    display_name,
    file_help_text,
    inspect_upload,
    not_a_photo_message,
    not_accepted_message,
)

# --- Building real files ----------------------------------------------------------------------


def image_bytes(fmt: str, size: tuple[int, int] = (64, 48), mode: str = "RGB", **save) -> bytes:
    """A real picture in the given Pillow format; noisy enough that JPEG has work to do."""
    img = Image.effect_noise(size, 64).convert(mode) if mode != "RGB" else _two_colours(size)
    out = io.BytesIO()
    img.save(out, format=fmt, **save)
    return out.getvalue()


def _two_colours(size: tuple[int, int]) -> Image.Image:
    """Left half red, right half blue: shows after cleaning which way the picture was turned."""
    img = Image.new("RGB", size, (220, 30, 30))
    img.paste((30, 30, 220), (size[0] // 2, 0, size[0], size[1]))
    return img


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def heic_bytes(size: tuple[int, int] = (64, 48), **save) -> bytes:
    """A real HEIC, or a skipped test when this pillow_heif build cannot encode one."""
    pillow_heif.register_heif_opener()
    if not pillow_heif.libheif_info().get("HEIF"):
        pytest.skip("this pillow_heif build has no HEVC encoder, so no HEIC can be made")
    out = io.BytesIO()
    _two_colours(size).save(out, format="HEIF", **save)
    return out.getvalue()


def jpeg_with_gps_and_orientation(size: tuple[int, int] = (200, 100)) -> bytes:
    """A JPEG as a phone writes it: EXIF with GPS position and orientation 6, plus XMP."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"  # GPSLatitudeRef
    gps[2] = (59.0, 54.0, 41.0)  # GPSLatitude
    gps[3] = "E"  # GPSLongitudeRef
    gps[4] = (10.0, 45.0, 8.0)  # GPSLongitude
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>'
    )
    out = io.BytesIO()
    _two_colours(size).save(out, format="JPEG", exif=exif, xmp=xmp, quality=95)
    return out.getvalue()


def bomb_png(width: int = 10_000, height: int = 10_000) -> bytes:
    """A 1-bit PNG of 100 megapixels: a few kilobytes on disk, hundreds of MB once decoded.

    Written chunk by chunk so the test never holds the decoded picture either.
    """
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte + one bit per pixel
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> UploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def rejection(name: str, data: bytes) -> str:
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(upload(name, data))
    message = str(caught.value)
    assert message
    return message


UNKNOWN_TYPE = "This file is not a PDF, JPEG, PNG, WebP or HEIC photo. Upload one of those."


# --- inspect_upload: what is accepted ---------------------------------------------------------


def test_real_pdf_is_accepted_as_pdf() -> None:
    result = inspect_upload(upload("proof.pdf", pdf_bytes(pages=3)))
    assert result == Inspected("pdf", "application/pdf", ".pdf")


@pytest.mark.parametrize(
    ("fmt", "name", "expected"),
    [
        ("JPEG", "photo.jpg", Inspected("image", "image/jpeg", ".jpg")),
        ("JPEG", "photo.JPEG", Inspected("image", "image/jpeg", ".jpg")),
        ("JPEG", "photo.jfif", Inspected("image", "image/jpeg", ".jpg")),
        ("PNG", "drawing.png", Inspected("image", "image/png", ".png")),
        ("WEBP", "photo.webp", Inspected("image", "image/webp", ".webp")),
    ],
)
def test_real_pictures_are_accepted_with_their_type(
    fmt: str, name: str, expected: Inspected
) -> None:
    assert inspect_upload(upload(name, image_bytes(fmt))) == expected


@pytest.mark.parametrize("name", ["IMG_0001.HEIC", "IMG_0001.heif"])
def test_heic_photo_from_an_iphone_is_accepted(name: str) -> None:
    result = inspect_upload(upload(name, heic_bytes(), "image/heic"))
    assert result == Inspected("image", "image/heic", ".heic")


def test_type_comes_from_the_bytes_not_the_browser_content_type() -> None:
    result = inspect_upload(upload("photo", image_bytes("PNG"), content_type="application/pdf"))
    assert result.content_type == "image/png"


def test_name_without_extension_is_fine() -> None:
    assert inspect_upload(upload("scan", pdf_bytes())).kind == "pdf"


@pytest.mark.parametrize("make", [pdf_bytes, lambda: image_bytes("JPEG")])
def test_inspection_leaves_the_file_position_at_zero(make: Callable[[], bytes]) -> None:
    file = upload("file", make())
    file.seek(5)
    inspect_upload(file)
    assert file.tell() == 0


def test_inspection_never_reads_a_whole_pdf_in_one_call() -> None:
    class CountingFile(io.BytesIO):
        whole_reads = 0

        def read(self, size: int | None = -1) -> bytes:
            if size is None or size < 0:
                CountingFile.whole_reads += 1
            return super().read(size)

    data = pdf_bytes(pages=50)
    file = UploadedFile(CountingFile(data), name="big.pdf", size=len(data))
    assert inspect_upload(file).kind == "pdf"
    assert CountingFile.whole_reads == 0


def test_allowed_description_names_every_type() -> None:
    assert str(ALLOWED_DESCRIPTION) == "PDF, JPEG, PNG, WebP or HEIC"


# One real file of each accepted type: a type added to ACCEPTED_TYPES without a sample here fails
# the two tests below, so every row of the table is tried with real bytes.
SAMPLES: dict[str, Callable[[], bytes]] = {
    "PDF": pdf_bytes,
    "JPEG": lambda: image_bytes("JPEG"),
    "PNG": lambda: image_bytes("PNG"),
    "WebP": lambda: image_bytes("WEBP"),
    "HEIC": heic_bytes,
}


@pytest.mark.parametrize("accepted", ACCEPTED_TYPES, ids=lambda accepted: accepted.label)
def test_every_accepted_type_is_accepted_under_each_of_its_extensions(
    accepted: AcceptedType,
) -> None:
    data = SAMPLES[accepted.label]()
    for extension in (*accepted.extensions, *(e.upper() for e in accepted.extensions), ""):
        assert inspect_upload(upload("file" + extension, data)) == accepted.inspected


@pytest.mark.parametrize("accepted", ACCEPTED_TYPES, ids=lambda accepted: accepted.label)
def test_every_accepted_type_is_refused_under_another_types_extension(
    accepted: AcceptedType,
) -> None:
    other = next(t for t in ACCEPTED_TYPES if t is not accepted).extensions[0]
    message = rejection("file" + other, SAMPLES[accepted.label]())
    assert f"Rename it to end in {accepted.extensions[0]}" in message


def _names_in_order(text: str, types: list[AcceptedType]) -> bool:
    positions = [text.find(accepted.label) for accepted in types]
    return -1 not in positions and positions == sorted(positions)


@pytest.mark.parametrize(
    "sentence", [not_accepted_message, file_help_text, lambda: str(ALLOWED_DESCRIPTION)]
)
def test_sentences_about_accepted_types_name_every_one_in_order(
    sentence: Callable[[], str],
) -> None:
    assert _names_in_order(sentence(), list(ACCEPTED_TYPES))


def test_sentence_about_photos_names_every_photo_type_and_no_other() -> None:
    photos = [t for t in ACCEPTED_TYPES if t.kind == "image"]
    others = [t for t in ACCEPTED_TYPES if t.kind != "image"]
    text = not_a_photo_message()
    assert _names_in_order(text, photos)
    assert not any(t.label in text for t in others)


# --- inspect_upload: what is rejected, and what the user is told ------------------------------


def test_html_renamed_jpg_is_rejected() -> None:
    html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    assert rejection("photo.jpg", html) == UNKNOWN_TYPE


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)


@pytest.mark.parametrize("name", ["drawing.svg", "drawing.png"])
def test_svg_with_script_is_rejected_whatever_its_name(name: str) -> None:
    assert rejection(name, SVG) == UNKNOWN_TYPE


def test_real_pdf_named_exe_is_rejected_with_a_rename_hint() -> None:
    message = rejection("proof.exe", pdf_bytes())
    assert "“.exe”" in message
    assert "Rename it to end in .pdf" in message


def test_real_png_named_jpg_is_rejected_with_a_rename_hint() -> None:
    message = rejection("photo.jpg", image_bytes("PNG"))
    assert "PNG" in message
    assert "Rename it to end in .png" in message


def test_zero_byte_file_is_rejected() -> None:
    assert "This file is empty" in rejection("empty.pdf", b"")


def test_file_over_the_limit_is_rejected_before_it_is_parsed(settings) -> None:
    settings.CIL_UPLOAD_MAX_BYTES = 1000
    data = image_bytes("PNG", size=(200, 200), mode="L")
    assert len(data) > 1000
    message = rejection("photo.png", data)
    assert "1000" in message
    assert "Make it smaller" in message


def test_file_exactly_at_the_limit_is_accepted(settings) -> None:
    data = pdf_bytes()
    settings.CIL_UPLOAD_MAX_BYTES = len(data)
    assert inspect_upload(upload("proof.pdf", data)).kind == "pdf"


def test_truncated_jpeg_is_rejected() -> None:
    data = image_bytes("JPEG", size=(400, 300))
    message = rejection("photo.jpg", data[: len(data) // 2])
    assert "could not be read" in message
    assert "upload the new copy" in message


def test_truncated_png_is_rejected() -> None:
    data = image_bytes("PNG", size=(400, 300), mode="L")
    assert "could not be read" in rejection("photo.png", data[: len(data) // 2])


def test_pdf_header_followed_by_garbage_is_rejected() -> None:
    garbage = b"%PDF-1.7\n" + bytes(range(256)) * 20
    message = rejection("proof.pdf", garbage)
    assert "This PDF could not be opened" in message


def test_pdf_without_pages_is_rejected() -> None:
    out = io.BytesIO()
    PdfWriter().write(out)
    assert "This PDF has no pages" in rejection("proof.pdf", out.getvalue())


def test_password_protected_pdf_is_rejected() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert "protected with a password" in rejection("proof.pdf", out.getvalue())


def test_aes_password_protected_pdf_is_rejected() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    assert "protected with a password" in rejection("proof.pdf", out.getvalue())


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256", "RC4-128"])
def test_pdf_locked_against_editing_but_open_to_read_is_accepted(algorithm: str) -> None:
    # Certificates of participation often come this way: anyone may open them, only the issuer
    # may change them. Reviewers' browsers open them, so they are proofs like any other.
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="", owner_password="issuer", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    inspected = inspect_upload(upload("certificate.pdf", out.getvalue()))
    assert inspected.content_type == "application/pdf"


def test_decompression_bomb_png_is_rejected_without_decoding_it() -> None:
    data = bomb_png()
    assert len(data) < 100_000  # small on disk: the danger is in the decoded size
    assert "more than 50 megapixels" in rejection("bomb.png", data)


def test_picture_just_over_fifty_megapixels_is_rejected() -> None:
    # Below Pillow's own bomb threshold (~89 MP): our limit must catch it.
    assert "more than 50 megapixels" in rejection("big.png", bomb_png(8000, 6300))


def test_windows_executable_is_rejected() -> None:
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    assert rejection("setup.pdf", exe) == UNKNOWN_TYPE


def test_mp4_video_is_not_mistaken_for_heic() -> None:
    mp4 = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2" + b"\x00" * 64
    assert rejection("clip.heic", mp4) == UNKNOWN_TYPE


def test_heic_header_with_broken_body_is_rejected() -> None:
    fake = struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic" + b"\x00" * 64
    assert "could not be read" in rejection("IMG_0001.heic", fake)


# --- clean_image ------------------------------------------------------------------------------


def open_jpeg(file) -> Image.Image:
    file.seek(0)
    img = Image.open(io.BytesIO(file.read()))
    assert img.format == "JPEG"
    return img


def rgb(img: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    """The pixel's channels (getpixel() gives a bare number for one-band images)."""
    value = img.getpixel(xy)
    assert isinstance(value, tuple)
    return value


def test_cleaned_photo_has_no_exif_gps_or_xmp_and_is_upright() -> None:
    source = upload("IMG_0001.jpg", jpeg_with_gps_and_orientation((200, 100)))
    with Image.open(io.BytesIO(jpeg_with_gps_and_orientation())) as original:
        assert original.getexif().get_ifd(0x8825)  # the test file really carries GPS

    photo, thumbnail = clean_image(source)

    for cleaned in (photo, thumbnail):
        img = open_jpeg(cleaned)
        assert dict(img.getexif()) == {}
        assert "exif" not in img.info
        assert "xmp" not in img.info
        cleaned.seek(0)
        raw = cleaned.read()
        assert b"Exif\x00\x00" not in raw
        assert b"adobe:ns:meta" not in raw
    img = open_jpeg(photo)
    assert img.size == (100, 200)  # orientation 6 applied: width and height swapped
    # The left (red) half of the stored picture is the top once turned upright.
    red, _, blue = rgb(img, (50, 20))
    assert red > 150 and blue < 100
    red, _, blue = rgb(img, (50, 180))
    assert blue > 150 and red < 100


def test_cleaned_files_are_named_photo_and_thumbnail_jpg() -> None:
    photo, thumbnail = clean_image(upload("x.png", image_bytes("PNG")))
    assert (photo.name, thumbnail.name) == ("photo.jpg", "thumbnail.jpg")


def test_large_photo_is_limited_to_2560_pixels_on_its_long_side() -> None:
    photo, thumbnail = clean_image(upload("wide.jpg", image_bytes("JPEG", size=(3000, 1000))))
    assert open_jpeg(photo).size == (2560, 853)
    assert max(open_jpeg(thumbnail).size) == 480


def test_small_photo_is_not_enlarged() -> None:
    photo, thumbnail = clean_image(upload("small.jpg", image_bytes("JPEG", size=(300, 200))))
    assert open_jpeg(photo).size == (300, 200)
    assert open_jpeg(thumbnail).size == (300, 200)


def test_thumbnail_fits_in_480_by_480() -> None:
    _, thumbnail = clean_image(upload("tall.png", image_bytes("PNG", size=(600, 1200))))
    assert open_jpeg(thumbnail).size == (240, 480)


def test_transparent_png_is_flattened_onto_white() -> None:
    img = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    out = io.BytesIO()
    img.save(out, format="PNG")
    photo, _ = clean_image(upload("clear.png", out.getvalue()))
    cleaned = open_jpeg(photo)
    assert cleaned.mode == "RGB"
    assert all(channel > 245 for channel in rgb(cleaned, (20, 20)))


@pytest.mark.parametrize(
    ("fmt", "mode"),
    [("PNG", "1"), ("PNG", "L"), ("PNG", "LA"), ("PNG", "P"), ("PNG", "I;16"), ("JPEG", "CMYK")],
)
def test_pictures_of_every_colour_mode_become_rgb_jpeg(fmt: str, mode: str) -> None:
    photo, _ = clean_image(upload("picture", image_bytes(fmt, size=(32, 32), mode=mode)))
    assert open_jpeg(photo).mode == "RGB"


def test_sixteen_bit_grey_keeps_its_tones() -> None:
    img = Image.new("I;16", (16, 16), 30000)  # mid-grey in 16 bits; clipping would give white
    out = io.BytesIO()
    img.save(out, format="PNG")
    photo, _ = clean_image(upload("grey.png", out.getvalue()))
    assert all(100 < channel < 140 for channel in rgb(open_jpeg(photo), (8, 8)))


def test_heic_photo_is_converted_to_jpeg_without_metadata() -> None:
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (59.0, 54.0, 41.0)
    source = upload("IMG_0001.HEIC", heic_bytes(size=(80, 60), exif=exif.tobytes()))
    assert inspect_upload(source).content_type == "image/heic"
    photo, thumbnail = clean_image(source)
    img = open_jpeg(photo)
    assert img.size == (80, 60)
    assert dict(img.getexif()) == {}
    assert open_jpeg(thumbnail).size == (80, 60)


def test_clean_image_leaves_the_file_position_at_zero() -> None:
    source = upload("photo.webp", image_bytes("WEBP"))
    clean_image(source)
    assert source.tell() == 0


def test_clean_image_refuses_a_pdf() -> None:
    with pytest.raises(UploadRejected):
        clean_image(upload("proof.pdf", pdf_bytes()))


# --- display_name -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\photo.jpg", "photo.jpg"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("report\x00.pdf", "report.pdf"),
        ("two\nlines.pdf", "two lines.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # would show as "invoiceexe.pdf"
        ("  lots \t of   space .pdf ", "lots of space .pdf"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ("Ærlig søknad.pdf", "Ærlig søknad.pdf"),
        ("", "file"),
        ("..", "file"),
        ("dir/", "file"),
        ("\x00\x01\u202e", "file"),
    ],
)
def test_display_name_keeps_only_a_safe_last_component(name: str, expected: str) -> None:
    assert display_name(name) == expected


def test_display_name_composes_decomposed_letters() -> None:
    assert display_name("Sko\u0308ld.pdf") == "Sk\u00f6ld.pdf"  # macOS sends NFD names


def test_very_long_name_is_shortened_keeping_the_extension() -> None:
    result = display_name("a" * 300 + ".pdf")
    assert len(result) == 120
    assert result.endswith("aaa.pdf")


def test_long_name_with_a_long_dotted_tail_is_simply_cut() -> None:
    result = display_name("notes." + "b" * 300)
    assert result == ("notes." + "b" * 300)[:120]


# --- LimitedTemporaryFileUploadHandler --------------------------------------------------------


@pytest.fixture
def parse_multipart() -> Iterator[Callable]:
    """A real multipart POST, parsed by Django with our handler as the settings configure it.

    The temporary files are closed (and so deleted) afterwards, as Django does after a response.
    """
    parsed = []

    def parse(files: dict[str, SimpleUploadedFile]) -> tuple[HttpRequest, MultiValueDict]:
        request = RequestFactory().post("/upload/", data={"note": "hello", **files})
        parsed.append(request.FILES)
        return request, request.FILES

    yield parse
    for files in parsed:
        for name in files:
            for file in files.getlist(name):
                file.close()


def test_settings_use_the_limited_handler(settings) -> None:
    request = RequestFactory().post("/upload/", data={})
    assert [type(handler) for handler in request.upload_handlers] == [
        LimitedTemporaryFileUploadHandler
    ]
    assert settings.FILE_UPLOAD_HANDLERS == ["portfolio.uploads.LimitedTemporaryFileUploadHandler"]


def test_oversize_file_is_dropped_and_reported_while_small_file_is_kept(
    settings, parse_multipart: Callable
) -> None:
    settings.CIL_UPLOAD_MAX_BYTES = 1000
    request, files = parse_multipart(
        {
            "small": SimpleUploadedFile("small.pdf", b"s" * 500),
            "big": SimpleUploadedFile("big report.pdf", b"b" * 5000),
        }
    )
    assert "big" not in files
    assert files["small"].read() == b"s" * 500
    assert request.POST["note"] == "hello"
    assert request.cil_rejected_uploads == [("big", "big report.pdf")]


def test_every_oversize_file_is_reported_in_order(settings, parse_multipart: Callable) -> None:
    settings.CIL_UPLOAD_MAX_BYTES = 1000
    request, files = parse_multipart(
        {
            "first": SimpleUploadedFile("one.pdf", b"1" * 3000),
            "second": SimpleUploadedFile("two.jpg", b"2" * 200_000),  # several 64 KB chunks
        }
    )
    assert list(files) == []
    assert request.cil_rejected_uploads == [("first", "one.pdf"), ("second", "two.jpg")]


def test_file_exactly_at_the_limit_passes_the_handler(settings, parse_multipart: Callable) -> None:
    settings.CIL_UPLOAD_MAX_BYTES = 1000
    request, files = parse_multipart({"doc": SimpleUploadedFile("doc.pdf", b"x" * 1000)})
    assert files["doc"].size == 1000
    assert getattr(request, "cil_rejected_uploads", []) == []


def test_temporary_file_of_a_skipped_upload_is_removed(settings) -> None:
    settings.CIL_UPLOAD_MAX_BYTES = 1000
    body = encode_multipart(
        BOUNDARY,
        {
            "small": SimpleUploadedFile("small.pdf", b"s" * 10),
            "big": SimpleUploadedFile("big.pdf", b"b" * 5000),
        },
    )
    request = RequestFactory().generic("POST", "/upload/", body, content_type=MULTIPART_CONTENT)
    handler = LimitedTemporaryFileUploadHandler(request)
    parser = MultiPartParser(request.META, io.BytesIO(body), [handler], "utf-8")
    _, files = parser.parse()

    # The handler's last temporary file is the skipped one: closed and deleted, not left behind.
    assert handler.file.name == "big.pdf"
    assert handler.file.closed
    assert not os.path.exists(handler.file.temporary_file_path())
    assert list(files) == ["small"]
    small = files["small"]
    assert isinstance(small, TemporaryUploadedFile)
    assert os.path.exists(small.temporary_file_path())
    # The handler's own attribute on the request (see LimitedTemporaryFileUploadHandler).
    assert request.cil_rejected_uploads == [("big", "big.pdf")]  # type: ignore[attr-defined]
    small.close()


def test_too_large_message_states_the_limit(settings) -> None:
    settings.CIL_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    message = LimitedTemporaryFileUploadHandler.too_large_message()
    assert "20.0\xa0MB" in message
    assert "upload it again" in message


def test_files_the_handler_kept_can_be_inspected_and_cleaned(parse_multipart: Callable) -> None:
    _, files = parse_multipart(
        {
            "evidence": SimpleUploadedFile("proof.pdf", pdf_bytes()),
            "photo": SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps_and_orientation()),
        }
    )
    assert inspect_upload(files["evidence"]).kind == "pdf"
    assert inspect_upload(files["photo"]).content_type == "image/jpeg"
    photo, _ = clean_image(files["photo"])
    assert open_jpeg(photo).size == (100, 200)


# --- What the rest of the site says about accepted types -----------------------------------------


def test_file_picker_offers_the_accepted_types_and_heic_by_name() -> None:
    accept = EvidenceForm().fields["file"].widget.attrs["accept"]
    assert accept == (
        "application/pdf,image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"
    )


def test_allowed_description_in_norwegian() -> None:
    with translation.override("nb"):
        assert str(ALLOWED_DESCRIPTION) == "PDF, JPEG, PNG, WebP eller HEIC"


@pytest.mark.parametrize(
    ("content_type", "download_name"),
    [("application/pdf", "Programme.pdf"), ("image/jpeg", "Programme.jpg")],
)
def test_evidence_is_offered_for_download_with_the_stored_type_extension(
    content_type: str, download_name: str
) -> None:
    evidence = Evidence(content_type=content_type, original_name="Programme.heic")
    assert evidence.download_name == download_name
