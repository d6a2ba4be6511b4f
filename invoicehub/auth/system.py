"""The platform itself as a principal: what an operator's console command (`invoicehub sync`) acts
as. It may reach any tenant's rows like the platform admin; its audit events name no user."""

from __future__ import annotations

import uuid

from invoicehub.auth.tokens import Principal
from invoicehub.models import Role

SYSTEM_PRINCIPAL = Principal(user_id=uuid.UUID(int=0), tenant_id=uuid.UUID(int=0), role=Role.ADMIN)


def is_system(principal: Principal | None) -> bool:
    return principal == SYSTEM_PRINCIPAL
