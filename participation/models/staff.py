"""Staff accounts."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.clock import utcnow
from participation.db import Base
from participation.models.enums import Role, one_of
from participation.models.services import Service

ADMIN, LEAD, RESEARCHER = Role
ROLES = tuple(Role)


def new_session_token() -> str:
    """A fresh random token that identifies one generation of a staff member's sessions."""
    return secrets.token_urlsafe(24)


class Staff(Base):
    """A member of staff who signs in: an admin, a participation lead or a researcher."""

    __tablename__ = "staff"
    __table_args__ = (one_of("role", Role, "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), index=True)
    is_safeguarding_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last TOTP time step accepted, so one code never signs in twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Set for passwords an administrator issued: the member chooses their own at first sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Rotated on sign-out, deactivation and password change so every existing session stops.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime)

    service: Mapped[Service | None] = relationship()

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        """Signed-in staff are authenticated."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """Staff are never anonymous users."""
        return False

    def get_id(self) -> str:
        """The session token, so rotating it signs the member out everywhere."""
        return self.session_token

    @property
    def is_admin(self) -> bool:
        """Whether this member administers the whole installation."""
        return self.role == ADMIN

    @property
    def needs_second_factor(self) -> bool:
        """Whether this member must sign in with a second factor (admins, safeguarding leads)."""
        return self.role == ADMIN or self.is_safeguarding_lead

    def __repr__(self) -> str:
        return f"<Staff {self.id} {self.role}>"
