"""Every row of some tables, to show that a refused request wrote nothing."""

from __future__ import annotations

from klynge.core.models import AuditEvent, Membership, MembershipPeriod, OutboxMessage, RoleAssignment

# What a change to the register writes: memberships and their history, roles, the audit log, the outbox.
REGISTER_TABLES = (Membership, MembershipPeriod, RoleAssignment, AuditEvent, OutboxMessage)


def table_rows(*models) -> dict[str, list[tuple]]:
    """The rows of each model, every column, in id order: two calls differ if anything was written in
    between (the base manager, so that no default filtering hides a row)."""
    return {model._meta.label: list(model._base_manager.order_by("pk").values_list()) for model in models}
