"""JSON-LD with local contexts only, and RDF canonicalisation (RDFC-1.0, formerly URDNA2015).

The document loader serves the context files in ``contexts/`` and refuses any other URL: a
credential cannot make the server fetch an address, and a context cannot change under a
signature. Canonicalisation is strict: a JSON-LD processor silently drops a key its contexts do
not define, which would leave that key outside the signature; here it raises instead.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pyld import jsonld

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

CONTEXT_FILES: dict[str, str] = {
    CREDENTIALS_V2: "credentials_v2.jsonld",
    OB_V3P0: "ob_v3p0_context-3.0.3.json",
    DATA_INTEGRITY_V2: "security_data-integrity_v2.jsonld",
    MULTIKEY_V1: "security_multikey_v1.jsonld",
}

DocumentLoader = Callable[[str, Any], dict[str, Any]]


class CanonicalisationError(ValueError):
    """The document cannot be canonicalised safely: an unknown context, or a dropped key."""


@functools.cache
def _context(filename: str) -> Any:
    return json.loads((CONTEXTS_DIR / filename).read_text(encoding="utf-8"))


def local_loader(extra: Mapping[str, Path] | None = None) -> DocumentLoader:
    """A pyld document loader for our context files (and ``extra`` files, for tests' vectors)."""
    extra = dict(extra or {})

    def load(url: str, options: Any = None) -> dict[str, Any]:
        if url in CONTEXT_FILES:
            # Tagged static: pyld then keeps the resolved context, and each context it has
            # processed, in its process-wide cache, instead of resolving and processing the
            # OB context again for every document (our files never change under a process).
            return {
                "contextUrl": None,
                "documentUrl": url,
                "document": _context(CONTEXT_FILES[url]),
                "tag": "static",
            }
        if url in extra:
            document = json.loads(extra[url].read_text(encoding="utf-8"))
        else:
            raise jsonld.JsonLdError(
                f"Refusing to load {url!r}: only the portal's own context files are served.",
                "jsonld.LoadDocumentError",
                code="loading document failed",
            )
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load


def _refuse_dropped(term: str | None) -> None:
    raise CanonicalisationError(f"The contexts do not define {term!r}; it would not be signed.")


def canonicalize(document: Mapping[str, Any], loader: DocumentLoader | None = None) -> str:
    """The document's RDFC-1.0 canonical N-Quads. Raises CanonicalisationError if a key would be
    dropped or a context is not one of ours."""
    processor = jsonld.JsonLdProcessor(on_property_dropped=_refuse_dropped)
    try:
        nquads: str = processor.normalize(
            dict(document),
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": loader or local_loader(),
            },
        )
    except jsonld.JsonLdError as error:
        # The strict handler's error arrives wrapped in pyld's; keep ours on top.
        cause: BaseException | None = error
        while cause is not None:
            if isinstance(cause, CanonicalisationError):
                raise cause from error
            cause = cause.__cause__ or getattr(cause, "cause", None)
        raise CanonicalisationError(str(error)) from error
    return nquads


def expand(document: Mapping[str, Any], loader: DocumentLoader | None = None) -> list[Any]:
    expanded: list[Any] = jsonld.expand(
        dict(document), {"documentLoader": loader or local_loader()}
    )
    return expanded


def compact(document: Any, context: Any, loader: DocumentLoader | None = None) -> dict[str, Any]:
    compacted: dict[str, Any] = jsonld.compact(
        document, context, {"documentLoader": loader or local_loader()}
    )
    return compacted
