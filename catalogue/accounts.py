"""People and their rights: accounts, roles per study, API tokens, browser sessions and login throttling.

Roles order viewer < editor < manager; the catalogue admin holds every role on every study. An `Actor` is
who acts in a service: a signed-in person, an API token, the operator's command line, or the public. Every
service that changes something checks its actor first (`study_for`, `require_admin`, `require_account`)
and appends its audit event in the same transaction.

Visibility rule, the same for every service: without credentials, 401; a study the actor holds no role on
answers 404 to reads (its drafts, members, tokens and events are not disclosed) and to writes when it has
nothing published, 403 to writes when it is public; a role too low answers 403.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalogue.audit import event_append
from catalogue.errors import (
    Conflict,
    DdicatError,
    InvalidInput,
    Location,
    NotFound,
    PermissionDenied,
    Problem,
    Unauthenticated,
)
from catalogue.store.reads import Viewer, published_release, study_by_slug
from catalogue.store.tables import Base, Study, utcnow

Role = Literal["viewer", "editor", "manager"]
ROLES: tuple[Role, ...] = ("viewer", "editor", "manager")
Via = Literal["anonymous", "session", "token", "cli"]

MIN_PASSWORD_LENGTH = 10
SESSION_LIFETIME = timedelta(hours=12)
TOKEN_MAX_DAYS = 366
TOKEN_PREFIX = "ddicat_"
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_CLIENT = 20  # a whole lab may share one address
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()  # argon2id, the library's RFC 9106 low-memory profile


@cache
def _absent_hash() -> str:
    """Verified against when the email is unknown, so that a wrong email costs what a wrong password does."""
    return _hasher.hash(secrets.token_urlsafe(16))


class Account(Base):
    """A person who signs in: email, argon2 password hash, and whether they administer the catalogue."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Membership(Base):
    """A person's role on one study."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("account_id", "study_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    granted_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A script's credential for one study and one role; only the SHA-256 of its secret is kept."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255), default="")
    prefix: Mapped[str] = mapped_column(String(32))
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None]


class BrowserSession(Base):
    """A signed-in browser: the SHA-256 of the cookie's random secret, until it expires or logs out."""

    __tablename__ = "browser_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    client: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginFailure(Base):
    """A failed sign-in, counted for throttling (per account and per client address) for a while."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginThrottled(DdicatError):
    """Too many failed sign-ins lately: the caller must wait `retry_after` seconds."""

    status = 429
    kind = "too-many-attempts"
    title = "Too many failed sign-ins"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def as_utc(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back: they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def role_rank(role: str | None) -> int:
    return ROLES.index(role) + 1 if role in ROLES else 0


def parse_role(text: str) -> Role:
    if text not in ROLES:
        raise InvalidInput([Problem("error", f"unknown role {text!r}: choose viewer, editor or manager",
                                    Location(element="role"), "unknown-role")])
    return text


def normalise_email(text: str) -> str:
    email = (text or "").strip().lower()
    if not EMAIL_PATTERN.match(email) or len(email) > 320:
        raise InvalidInput([Problem("error", f"{text!r} is not an email address", Location(element="email"),
                                    "invalid-email")])
    return email


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: their label in the audit trail, their roles by study id, and how they proved who they are."""

    label: str
    via: Via = "anonymous"
    account_id: int | None = None
    email: str | None = None
    is_admin: bool = False
    roles: Mapping[int, str] = field(default_factory=dict)
    token_id: int | None = None

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(label="anonymous")

    @classmethod
    def operator(cls, label: str = "cli") -> Actor:
        """The operator at the command line: the catalogue's own administrator."""
        return cls(label=label, via="cli", is_admin=True)

    @property
    def authenticated(self) -> bool:
        return self.via != "anonymous"

    def role_on(self, study_id: int) -> str | None:
        if self.is_admin:
            return "manager"
        return self.roles.get(study_id)

    def viewer(self) -> Viewer:
        """What the read side lets this actor see: the drafts of the studies they hold a role on."""
        return Viewer(draft_study_ids=frozenset(self.roles), is_admin=self.is_admin)


def require_account(actor: Actor) -> None:
    if not actor.authenticated:
        raise Unauthenticated("sign in, or send an API token (Authorization: Bearer ...)")


def require_admin(actor: Actor) -> None:
    require_account(actor)
    if not actor.is_admin:
        raise PermissionDenied("only a catalogue admin may do this")


def study_for(
    session: Session, actor: Actor, slug: str, *, role: Role, write: bool, lock: bool | None = None
) -> Study:
    """The study a service acts on, once the actor's role allows it (see the visibility rule above).

    Writes lock the study row (unless `lock` is False: a check before reading an upload's body), so that
    the writes of one study queue (PostgreSQL; SQLite's writer transaction already holds the write lock).
    """
    require_account(actor)
    study = study_by_slug(session, slug)
    held = actor.role_on(study.id) if study is not None else None
    if study is None or (held is None and not (write and published_release(session, study.id) is not None)):
        raise NotFound(f"no study {slug!r} in the catalogue")
    if role_rank(held) < role_rank(role):
        having = f"you are {held}" if held else "you have no role on it"
        raise PermissionDenied(f"this needs the {role} role on study {slug!r}; {having}")
    if write if lock is None else lock:
        session.scalar(select(Study.id).where(Study.id == study.id).with_for_update())
    return study


def password_hash(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput([Problem("error", f"a password needs at least {MIN_PASSWORD_LENGTH} characters",
                                    Location(element="password"), "weak-password")])
    return _hasher.hash(password)


def password_matches(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def account_by_email(session: Session, email: str) -> Account | None:
    return session.scalar(select(Account).where(Account.email == email.strip().lower()))


def actor_of(session: Session, account: Account, *, via: Via) -> Actor:
    """The actor a signed-in account is, with its current roles."""
    roles = dict(session.execute(
        select(Membership.study_id, Membership.role).where(Membership.account_id == account.id)
    ).all())
    return Actor(label=account.email, via=via, account_id=account.id, email=account.email,
                 is_admin=account.is_admin, roles=roles)


# Accounts and members ---------------------------------------------------------------------------------------


def account_create(
    *, session: Session, actor: Actor, email: str, password: str, name: str = "", is_admin: bool = False
) -> Account:
    """A new account (admin only); the password is stored as an argon2 hash."""
    require_admin(actor)
    address = normalise_email(email)
    if account_by_email(session, address) is not None:
        raise Conflict(f"an account {address!r} already exists")
    account = Account(email=address, name=name.strip(), password_hash=password_hash(password),
                      is_admin=is_admin)
    session.add(account)
    session.flush()
    event_append(session, actor=actor.label, action="account.create",
                 detail={"email": address, "is_admin": is_admin})
    return account


def account_list(*, session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Every account with its roles (admin only)."""
    require_admin(actor)
    slugs = dict(session.execute(select(Study.id, Study.slug)).all())
    roles: dict[int, dict[str, str]] = {}
    for account_id, study_id, role in session.execute(
        select(Membership.account_id, Membership.study_id, Membership.role)
    ):
        roles.setdefault(account_id, {})[slugs[study_id]] = role
    return [
        {"email": a.email, "name": a.name, "is_admin": a.is_admin,
         "created_at": as_utc(a.created_at).isoformat(),
         "roles": dict(sorted(roles.get(a.id, {}).items()))}
        for a in session.scalars(select(Account).order_by(Account.email))
    ]


def member_grant(*, session: Session, actor: Actor, study_slug: str, email: str, role: str) -> dict[str, Any]:
    """Give a person a role on a study: managers grant viewer and editor, the admin grants manager too."""
    study = study_for(session, actor, study_slug, role="manager", write=True)
    wanted = parse_role(role)
    account = account_by_email(session, email)
    if account is None:
        raise NotFound(f"no account {email.strip().lower()!r}: the operator creates accounts "
                       "(ddicat users add)")
    membership = session.scalar(
        select(Membership).where(Membership.account_id == account.id, Membership.study_id == study.id)
    )
    previous = membership.role if membership else None
    if "manager" in (wanted, previous) and not actor.is_admin:
        raise PermissionDenied("only a catalogue admin assigns or changes the managers of a study")
    if membership is None:
        membership = Membership(account_id=account.id, study_id=study.id, role=wanted, granted_by=actor.label)
        session.add(membership)
    else:
        membership.role, membership.granted_by = wanted, actor.label
    session.flush()
    if previous != wanted:
        event_append(session, actor=actor.label, action="member.grant", study=study,
                     detail={"email": account.email, "role": wanted, "previous": previous})
    return {"email": account.email, "name": account.name, "role": wanted, "study": study.slug}


def member_revoke(*, session: Session, actor: Actor, study_slug: str, email: str) -> None:
    """Take a person's role on a study away, and revoke their tokens for it."""
    study = study_for(session, actor, study_slug, role="manager", write=True)
    account = account_by_email(session, email)
    membership = None if account is None else session.scalar(
        select(Membership).where(Membership.account_id == account.id, Membership.study_id == study.id)
    )
    if account is None or membership is None:
        raise NotFound(f"{email.strip().lower()!r} has no role on study {study.slug!r}")
    if membership.role == "manager" and not actor.is_admin:
        raise PermissionDenied("only a catalogue admin removes the managers of a study")
    session.delete(membership)
    now = datetime.now(UTC)
    revoked = list(session.scalars(select(ApiToken).where(
        ApiToken.account_id == account.id, ApiToken.study_id == study.id, ApiToken.revoked_at.is_(None)
    )))
    for token in revoked:
        token.revoked_at = now
    session.flush()
    event_append(session, actor=actor.label, action="member.revoke", study=study,
                 detail={"email": account.email, "role": membership.role,
                         "tokens_revoked": [t.id for t in revoked]})


def member_list(*, session: Session, actor: Actor, study_slug: str) -> list[dict[str, Any]]:
    """The study's members and their roles (managers)."""
    study = study_for(session, actor, study_slug, role="manager", write=False)
    rows = session.execute(
        select(Account.email, Account.name, Membership.role, Membership.granted_by, Membership.created_at)
        .join(Membership, Membership.account_id == Account.id)
        .where(Membership.study_id == study.id)
        .order_by(Account.email)
    )
    return [{"email": e, "name": n, "role": r, "granted_by": g, "since": as_utc(c).isoformat()}
            for e, n, r, g, c in rows]


def my_studies(*, session: Session, actor: Actor) -> list[dict[str, Any]]:
    """The studies the actor holds a role on (every study for the admin), with the role."""
    require_account(actor)
    studies = session.scalars(select(Study).order_by(Study.slug))
    return [
        {"slug": s.slug, "title": s.title, "role": actor.role_on(s.id)}
        for s in studies if actor.role_on(s.id) is not None
    ]


# API tokens -------------------------------------------------------------------------------------------------


def token_json(token: ApiToken, study_slug: str, owner: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    state = ("revoked" if token.revoked_at else "expired" if as_utc(token.expires_at) <= now else "active")
    return {
        "id": token.id, "name": token.name, "prefix": token.prefix, "study": study_slug, "role": token.role,
        "owner": owner, "created_at": as_utc(token.created_at).isoformat(),
        "expires_at": as_utc(token.expires_at).isoformat(),
        "revoked_at": as_utc(token.revoked_at).isoformat() if token.revoked_at else None, "state": state,
    }


def token_create(
    *,
    session: Session,
    actor: Actor,
    study_slug: str,
    role: str,
    name: str = "",
    days: int = 90,
    owner_email: str | None = None,
) -> tuple[dict[str, Any], str]:
    """A new token for one study and a role no higher than its owner's; the secret is returned once only."""
    if actor.via == "token":
        raise PermissionDenied("an API token cannot create tokens: sign in to create one")
    study = study_for(session, actor, study_slug, role="viewer", write=True)
    wanted = parse_role(role)
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise InvalidInput([Problem("error", f"a token lasts from 1 to {TOKEN_MAX_DAYS} days",
                                    Location(element="days"), "token-lifetime")])
    if owner_email is not None and normalise_email(owner_email) != actor.email:
        require_admin(actor)
        owner = account_by_email(session, owner_email)
        if owner is None:
            raise NotFound(f"no account {owner_email.strip().lower()!r}")
        owner_role = actor_of(session, owner, via="session").role_on(study.id)
    else:
        if actor.account_id is None:
            raise InvalidInput([Problem("error", "say whose token it is (--user EMAIL)",
                                        Location(element="user"), "token-owner")])
        owner = session.get(Account, actor.account_id)
        assert owner is not None
        owner_role = actor.role_on(study.id)
    if role_rank(wanted) > role_rank(owner_role):
        raise PermissionDenied(f"a token cannot carry more than its owner's role ({owner_role or 'none'}) "
                               f"on study {study.slug!r}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        account_id=owner.id, study_id=study.id, role=wanted, name=name.strip()[:255],
        prefix=secret[: len(TOKEN_PREFIX) + 6], secret_sha256=sha256_hex(secret),
        expires_at=datetime.now(UTC) + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    event_append(session, actor=actor.label, action="token.create", study=study,
                 detail={"token_id": token.id, "owner": owner.email, "role": wanted, "name": token.name,
                         "prefix": token.prefix, "expires_at": as_utc(token.expires_at).isoformat()})
    return token_json(token, study.slug, owner.email), secret


def token_revoke(
    *, session: Session, actor: Actor, token_id: int, study_slug: str | None = None
) -> dict[str, Any]:
    """Revoke a token: its owner, a manager of its study, or the admin (others are told it does not exist)."""
    require_account(actor)
    if actor.via == "token":
        raise PermissionDenied("an API token cannot revoke tokens: sign in to revoke one")
    token = session.get(ApiToken, token_id)
    study = session.get(Study, token.study_id) if token is not None else None
    if (token is None or study is None or (study_slug is not None and study.slug != study_slug)
            or not (token.account_id == actor.account_id or actor.role_on(study.id) == "manager")):
        raise NotFound(f"no token {token_id}")
    owner = session.get(Account, token.account_id)
    assert owner is not None
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        session.flush()
        event_append(session, actor=actor.label, action="token.revoke", study=study,
                     detail={"token_id": token.id, "owner": owner.email, "prefix": token.prefix})
    return token_json(token, study.slug, owner.email)


def token_list(*, session: Session, actor: Actor, study_slug: str | None = None) -> list[dict[str, Any]]:
    """Tokens the actor may see: their own (of one study or all), and every token of a study they manage."""
    require_account(actor)
    query = (select(ApiToken, Study.slug, Account.email)
             .join(Study, Study.id == ApiToken.study_id).join(Account, Account.id == ApiToken.account_id)
             .order_by(ApiToken.id.desc()))
    if study_slug is not None:
        study = study_for(session, actor, study_slug, role="viewer", write=False)
        query = query.where(ApiToken.study_id == study.id)
        if actor.role_on(study.id) != "manager":
            query = query.where(ApiToken.account_id == actor.account_id)
    else:
        query = query.where(ApiToken.account_id == actor.account_id)
    return [token_json(token, slug, email) for token, slug, email in session.execute(query)]


def token_actor(session: Session, secret: str) -> Actor:
    """The actor an API token stands for: its owner, limited to the token's study and role."""
    token = session.scalar(select(ApiToken).where(ApiToken.secret_sha256 == sha256_hex(secret)))
    if token is None:
        raise Unauthenticated("this API token is not known to the catalogue")
    if token.revoked_at is not None:
        raise Unauthenticated(f"the API token {token.prefix}… was revoked")
    if as_utc(token.expires_at) <= datetime.now(UTC):
        raise Unauthenticated(f"the API token {token.prefix}… expired on {as_utc(token.expires_at):%Y-%m-%d}")
    owner = session.get(Account, token.account_id)
    assert owner is not None
    held = actor_of(session, owner, via="token").role_on(token.study_id)
    role = ROLES[min(role_rank(held), role_rank(token.role)) - 1] if held else None
    if role is None:
        raise Unauthenticated(f"the API token {token.prefix}… no longer grants anything: its owner has "
                              "no role on its study any more")
    return Actor(label=f"{owner.email} (token {token.id})", via="token", account_id=owner.id,
                 email=owner.email, roles={token.study_id: role}, token_id=token.id)


# Browser sessions and sign-in -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoginResult:
    """A sign-in's outcome: the new session's secret and actor, or why it was refused (raised after commit,
    so that the failure's audit event and throttling count are kept)."""

    secret: str | None = None
    actor: Actor | None = None
    refusal: DdicatError | None = None


def login_attempt(*, session: Session, email: str, password: str, client: str) -> LoginResult:
    """Check a password and open a browser session, throttling repeated failures."""
    address = (email or "").strip().lower()[:320]
    client = (client or "unknown")[:64]
    now = datetime.now(UTC)
    refusal = _throttled(session, address, client, now)
    if refusal is not None:
        event_append(session, actor=address or "anonymous", action="login.refused",
                     detail={"client": client, "reason": "throttled"})
        return LoginResult(refusal=refusal)
    account = account_by_email(session, address) if address else None
    valid = password_matches(account.password_hash if account else _absent_hash(), password or "")
    if account is None or not valid:
        session.execute(delete(LoginFailure).where(LoginFailure.at < now - THROTTLE_WINDOW))
        session.add(LoginFailure(email=address, client=client, at=now))
        reason = "unknown account" if account is None else "wrong password"
        event_append(session, actor=address or "anonymous", action="login.failed",
                     detail={"client": client, "reason": reason})
        return LoginResult(refusal=Unauthenticated("wrong email or password"))
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    session.execute(delete(LoginFailure).where(LoginFailure.email == address))
    secret = secrets.token_urlsafe(32)
    session.add(BrowserSession(secret_sha256=sha256_hex(secret), account_id=account.id, client=client,
                               expires_at=now + SESSION_LIFETIME))
    event_append(session, actor=account.email, action="login", detail={"client": client})
    return LoginResult(secret=secret, actor=actor_of(session, account, via="session"))


def session_close(*, session: Session, secret: str) -> None:
    """Log out: the browser session ends (it only ever closes the caller's own session)."""
    row = session.scalar(select(BrowserSession).where(BrowserSession.secret_sha256 == sha256_hex(secret)))
    if row is None:
        return
    account = session.get(Account, row.account_id)
    session.delete(row)
    session.flush()
    event_append(session, actor=account.email if account else "unknown", action="logout")


def session_actor(session: Session, secret: str) -> Actor | None:
    """The signed-in actor of a browser session, or None when it is unknown or expired."""
    row = session.scalar(select(BrowserSession).where(BrowserSession.secret_sha256 == sha256_hex(secret)))
    if row is None or as_utc(row.expires_at) <= datetime.now(UTC):
        return None
    account = session.get(Account, row.account_id)
    return actor_of(session, account, via="session") if account else None


def _throttled(session: Session, email: str, client: str, now: datetime) -> LoginThrottled | None:
    since = now - THROTTLE_WINDOW
    for column, value, limit, what in (
        (LoginFailure.email, email, MAX_FAILURES_PER_ACCOUNT, "for this account"),
        (LoginFailure.client, client, MAX_FAILURES_PER_CLIENT, "from your address"),
    ):
        count, oldest = session.execute(
            select(func.count(), func.min(LoginFailure.at)).where(column == value, LoginFailure.at >= since)
        ).one()
        if count >= limit:
            wait = int((as_utc(oldest) + THROTTLE_WINDOW - now).total_seconds()) + 1
            minutes = max(1, -(-wait // 60))
            return LoginThrottled(
                f"too many failed sign-ins {what} in the last {THROTTLE_WINDOW.seconds // 60} minutes: "
                f"try again in {minutes} minute{'s' if minutes > 1 else ''}",
                retry_after=max(1, wait),
            )
    return None
