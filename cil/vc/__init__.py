"""Verifiable credentials: JSON-LD canonicalisation, the eddsa-rdfc-2022 cryptosuite, Multikey
encoding, and the issuer's keys and did:web document.

This package knows nothing of diplomas: certificates/credential.py builds the Open Badges 3.0
credential and asks this package to sign it. Nothing here fetches over the network: the JSON-LD
contexts are files in ``contexts/`` and the document loader refuses every other URL.
"""
