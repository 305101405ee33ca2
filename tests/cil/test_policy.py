from __future__ import annotations

from cil.policy import PUBLIC, SIGNED_IN, rule_for


def test_namespace_rule_covers_unnamed_admin_patterns() -> None:
    assert rule_for("admin:django.contrib.admin.sites.catch_all_view") is not None
    assert rule_for("landing") is PUBLIC
    assert rule_for("home") is SIGNED_IN
    assert rule_for("nobody-declared-this") is None
    assert rule_for(None) is None
