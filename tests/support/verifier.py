"""The independent verifier (tests/verifier/verify.mjs, Digital Bazaar's JavaScript libraries),
run on a credential from the tests.

``make test`` installs its npm packages (``npm ci`` in tests/verifier). It runs offline: the
JSON-LD contexts come from ``CONTEXTS_DIR`` and the only HTTP it makes goes to ``base_url``
(the live test server) for did:web documents and status lists.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, TypedDict

VERIFIER_DIR = Path(__file__).resolve().parent.parent / "verifier"
SCRIPT = VERIFIER_DIR / "verify.mjs"


# The verifier's own copies of the JSON-LD contexts (the specifications' published files), kept
# apart from the portal's (cil/vc/contexts) so that it does not read the portal's word for them.
CONTEXTS_DIR = Path(os.environ.get("CIL_CONTEXTS_DIR") or VERIFIER_DIR / "contexts")
VECTORS_DIR = VERIFIER_DIR.parent / "cil" / "vc" / "fixtures" / "vc-di-eddsa-test-vectors"
TIMEOUT_SECONDS = 60


class Result(TypedDict):
    verified: bool
    revoked: bool | None
    errors: list[str]


def verify(
    credential: dict[str, Any],
    *,
    base_url: str | None = None,
    unsigned_status_lists: bool = False,
    any_issuer: bool = False,
    contexts: Path = CONTEXTS_DIR,
) -> Result:
    """What the verifier says of ``credential``: ``verified`` (proof and status check),
    ``revoked`` (None when the credential has no status entry or it could not be checked) and
    the verifier's ``errors``."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("Node.js is needed for the independent verifier (make dev-setup).")
    command = [node, str(SCRIPT), "--contexts", str(contexts)]
    if base_url:
        command += ["--base-url", base_url]
    if unsigned_status_lists:
        command.append("--unsigned-status-lists")
    if any_issuer:
        command.append("--any-issuer")
    command.append("-")
    finished = subprocess.run(  # noqa: S603 - fixed command, no shell
        command,
        input=json.dumps(credential),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        cwd=VERIFIER_DIR,
        check=False,
    )
    if finished.returncode != 0:
        raise RuntimeError(f"The verifier failed: {finished.stderr.strip()}")
    result: Result = json.loads(finished.stdout)
    return result
