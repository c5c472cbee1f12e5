"""Access requests through one front door: one request, split into one part per study, each routed to that
study's managers only.

A signed-in researcher submits a request (project, summary, institution, intended use, whether SNDS-linked
data are needed, the variables of their basket). Each part follows its own status machine:

    submitted → under_review → more_information_requested ↔ under_review → approved | rejected
    withdrawn: by the researcher, from any open status

The managers of the part's study (or the catalogue admin) review, ask for information, approve or reject; the
researcher answers and may withdraw. Either side may add a message to an open part. The researcher sees the
whole request and every part; a manager sees the request's description and their study's part only (other
parts, and parts of studies they do not manage, answer "not found"). Every change is one transaction with its
history row, its audit event and the mails telling the other side (`catalogue.notifications`); the managers
written to are the accounts holding the manager role on the study (the catalogue admins when it has none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalogue.accounts import Account, Actor, Membership, as_utc, require_account
from catalogue.audit import event_append
from catalogue.errors import Conflict, InvalidInput, Location, NotFound, PermissionDenied, Problem
from catalogue.model import first_text, parse_urn
from catalogue.notifications import Mail, notification_enqueue
from catalogue.store.reads import Viewer, item_row_by_urn, item_row_visible, latest_visible_version
from catalogue.store.tables import Base, Study, utcnow
from catalogue.store.tables import Item as ItemRow

Status = Literal["submitted", "under_review", "more_information_requested", "approved", "rejected", "withdrawn"]
Side = Literal["researcher", "manager"]
STATUSES: tuple[Status, ...] = (
    "submitted", "under_review", "more_information_requested", "approved", "rejected", "withdrawn",
)
OPEN: frozenset[str] = frozenset({"submitted", "under_review", "more_information_requested"})
MAX_TITLE = 300
MAX_TEXT = 20_000
MAX_VARIABLES = 2000


@dataclass(frozen=True, slots=True)
class Transition:
    """An action: who may take it, from which statuses, to which (None: the status stays), whether it
    needs a message."""

    side: Side
    sources: frozenset[str]
    target: Status | None
    needs_message: bool = False


ACTIONS: dict[str, Transition] = {
    "review": Transition("manager", frozenset({"submitted", "more_information_requested"}), "under_review"),
    "request_information": Transition("manager", frozenset({"under_review"}), "more_information_requested",
                                      needs_message=True),
    "answer": Transition("researcher", frozenset({"more_information_requested"}), "under_review",
                         needs_message=True),
    "approve": Transition("manager", frozenset({"under_review"}), "approved"),
    "reject": Transition("manager", frozenset({"under_review"}), "rejected", needs_message=True),
    "withdraw": Transition("researcher", OPEN, "withdrawn"),
    "comment": Transition("researcher", OPEN, None, needs_message=True),
}


class AccessRequest(Base):
    """What a researcher asks for, once, whatever the number of studies it spans."""

    __tablename__ = "access_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    summary: Mapped[str] = mapped_column(Text)
    institution: Mapped[str] = mapped_column(String(MAX_TITLE))
    intended_use: Mapped[str] = mapped_column(Text)
    snds_linkage: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccessRequestPart(Base):
    """The part of a request that one study answers: its variables and its own status."""

    __tablename__ = "access_request_part"
    __table_args__ = (UniqueConstraint("request_id", "study_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("access_request.id", ondelete="CASCADE"), index=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    variables: Mapped[list[Any]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AccessRequestEvent(Base):
    """One step of a part's history: who, which side, what, the status before and after, the message."""

    __tablename__ = "access_request_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("access_request_part.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(320))
    side: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text, default="")


def _problem(message: str, element: str, code: str) -> InvalidInput:
    return InvalidInput([Problem("error", message, Location(element=element), code)])


def _text(value: str | None, element: str, *, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _problem(f"the request needs its {element.replace('_', ' ')}", element, "missing-field")
    if len(text) > limit:
        raise _problem(f"the {element.replace('_', ' ')} is longer than {limit:,} characters", element, "too-long")
    return text


def study_managers(session: Session, study: Study) -> list[str]:
    """The addresses a study's part goes to: its managers, else the catalogue admins."""
    managers = list(session.scalars(
        select(Account.email).join(Membership, Membership.account_id == Account.id)
        .where(Membership.study_id == study.id, Membership.role == "manager").order_by(Account.email)
    ))
    return managers or list(session.scalars(select(Account.email).where(Account.is_admin).order_by(Account.email)))


def _variables_by_study(session: Session, urns: list[str], viewer: Viewer) -> dict[int, tuple[Study, list[str]]]:
    grouped: dict[int, tuple[Study, list[str]]] = {}
    for urn in dict.fromkeys(u.strip() for u in urns if u and u.strip()):
        parsed = parse_urn(urn)
        if parsed is None:
            raise _problem(f"{urn!r} is not a DDI URN", "variables", "not-a-urn")
        agency, ddi_id, version = parsed
        row = item_row_by_urn(session, urn) if version else latest_visible_version(session, agency, ddi_id, viewer)
        where = item_row_visible(session, row, viewer) if row is not None else None
        if row is None or where is None or row.type != "Variable":
            raise _problem(f"no variable {urn} in the catalogue", "variables", "unknown-variable")
        study = where[0]
        grouped.setdefault(study.id, (study, []))[1].append(row.urn)
    return grouped


def access_request_submit(
    *,
    session: Session,
    actor: Actor,
    title: str,
    summary: str,
    institution: str,
    intended_use: str,
    snds_linkage: bool,
    variables: list[str],
    base_url: str = "",
) -> AccessRequest:
    """Submit one request; it is split into one part per study, each sent to that study's managers."""
    require_account(actor)
    if actor.account_id is None:
        raise PermissionDenied("an access request is made by a person: sign in with your account")
    if not variables:
        raise _problem("add the variables you ask for to your basket first", "variables", "no-variables")
    if len(variables) > MAX_VARIABLES:
        raise _problem(f"a request names at most {MAX_VARIABLES} variables", "variables", "too-many")
    request = AccessRequest(
        requester_id=actor.account_id,
        title=_text(title, "title", limit=MAX_TITLE), summary=_text(summary, "summary", limit=MAX_TEXT),
        institution=_text(institution, "institution", limit=MAX_TITLE),
        intended_use=_text(intended_use, "intended_use", limit=MAX_TEXT), snds_linkage=bool(snds_linkage),
    )
    grouped = _variables_by_study(session, variables, actor.viewer())
    session.add(request)
    session.flush()
    for study, urns in sorted(grouped.values(), key=lambda pair: pair[0].slug):
        part = AccessRequestPart(request_id=request.id, study_id=study.id, status="submitted", variables=urns)
        session.add(part)
        session.flush()
        session.add(AccessRequestEvent(part_id=part.id, actor=actor.label, side="researcher", action="submit",
                                       from_status=None, to_status="submitted", message=""))
        event_append(session, actor=actor.label, action="access.submit", study=study, items=urns,
                     detail={"request": request.id, "part": part.id, "status": "submitted",
                             "parts": len(grouped), "snds_linkage": request.snds_linkage})
        notification_enqueue(session, _mail_to_managers(session, request, part, study, actor, "submit", "",
                                                        base_url), access_part_id=part.id)
    session.flush()
    return request


def access_part_act(
    *, session: Session, actor: Actor, part_id: int, action: str, message: str = "", base_url: str = ""
) -> AccessRequestPart:
    """Take an action on one part (see ACTIONS); the other side is told by mail."""
    require_account(actor)
    transition = ACTIONS.get(action)
    if transition is None:
        raise _problem(f"unknown action {action!r}: one of {', '.join(ACTIONS)}", "action", "unknown-action")
    part, request, study = _part_for(session, actor, part_id, lock=True)
    side = _side(actor, request, study, transition)
    text = _text(message, "message", limit=MAX_TEXT, required=transition.needs_message)
    if part.status not in transition.sources:
        raise Conflict(f"this part is {part.status.replace('_', ' ')}: it cannot be sent to "
                       f"{(transition.target or part.status).replace('_', ' ')} by '{action}'")
    before = part.status
    after = transition.target or part.status
    part.status = after
    part.updated_at = utcnow()
    session.add(AccessRequestEvent(part_id=part.id, actor=actor.label, side=side, action=action,
                                   from_status=before, to_status=after, message=text))
    session.flush()
    event_append(session, actor=actor.label, action=f"access.{action}", study=study,
                 detail={"request": request.id, "part": part.id, "from": before, "to": after, "side": side,
                         "message_chars": len(text)})
    if side == "researcher":
        mail = _mail_to_managers(session, request, part, study, actor, action, text, base_url)
    else:
        mail = _mail_to_researcher(session, request, part, study, actor, action, text, base_url)
    notification_enqueue(session, mail, access_part_id=part.id)
    return part


def _part_for(
    session: Session, actor: Actor, part_id: int, *, lock: bool = False
) -> tuple[AccessRequestPart, AccessRequest, Study]:
    """The part, if the actor may see it: its researcher, its study's managers, the admin; else NotFound."""
    query = select(AccessRequestPart).where(AccessRequestPart.id == part_id)
    part = session.scalar(query.with_for_update() if lock else query)
    request = session.get(AccessRequest, part.request_id) if part is not None else None
    study = session.get(Study, part.study_id) if part is not None else None
    if part is None or request is None or study is None or not _may_see(actor, request, study):
        raise NotFound(f"no access request part {part_id}")
    return part, request, study


def _may_see(actor: Actor, request: AccessRequest, study: Study) -> bool:
    return actor.is_admin or actor.account_id == request.requester_id or actor.role_on(study.id) == "manager"


def _side(actor: Actor, request: AccessRequest, study: Study, transition: Transition) -> Side:
    is_manager = actor.is_admin or actor.role_on(study.id) == "manager"
    is_researcher = actor.account_id == request.requester_id
    if transition.side == "manager" and not is_manager:
        raise PermissionDenied("only the study's managers review, approve or reject its part of a request")
    if transition.side == "researcher" and transition.target is not None and not is_researcher:
        raise PermissionDenied("only the researcher who made the request answers or withdraws it")
    if transition.target is None:  # a message: whoever writes it, from their side
        return "researcher" if is_researcher else "manager"
    return transition.side


# --- Reading ---------------------------------------------------------------------------------------------


def _moment(value: datetime) -> str:
    return as_utc(value).isoformat(timespec="seconds")


def _variable_links(session: Session, urns: list[str]) -> list[dict[str, Any]]:
    found = []
    for urn in urns:
        row: ItemRow | None = item_row_by_urn(session, urn)
        found.append({"urn": urn, "name": row.name if row else None, "label": dict(row.label) if row else {}})
    return found


def _request_json(session: Session, request: AccessRequest) -> dict[str, Any]:
    requester = session.get(Account, request.requester_id)
    return {
        "id": request.id, "title": request.title, "summary": request.summary, "institution": request.institution,
        "intended_use": request.intended_use, "snds_linkage": request.snds_linkage,
        "requester": {"email": requester.email if requester else None, "name": requester.name if requester else ""},
        "created_at": _moment(request.created_at),
    }


def _part_json(session: Session, part: AccessRequestPart, study: Study, *, history: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": part.id, "request": part.request_id, "status": part.status, "open": part.status in OPEN,
        "study": {"slug": study.slug, "title": study.title},
        "variables": _variable_links(session, list(part.variables or [])),
        "updated_at": _moment(part.updated_at),
    }
    if history:
        events = session.scalars(select(AccessRequestEvent).where(AccessRequestEvent.part_id == part.id)
                                 .order_by(AccessRequestEvent.id))
        data["history"] = [
            {"at": _moment(e.at), "actor": e.actor, "side": e.side, "action": e.action, "from": e.from_status,
             "to": e.to_status, "message": e.message}
            for e in events
        ]
    return data


def actions_for(actor: Actor, request: AccessRequest, study: Study, status: str) -> list[str]:
    """The actions the actor may take on a part now (what the pages offer as buttons)."""
    is_manager = actor.is_admin or actor.role_on(study.id) == "manager"
    is_researcher = actor.account_id == request.requester_id
    allowed = []
    for name, transition in ACTIONS.items():
        if status not in transition.sources:
            continue
        if name == "comment" and (is_manager or is_researcher):
            allowed.append(name)
        elif transition.side == "manager" and is_manager:
            allowed.append(name)
        elif transition.side == "researcher" and is_researcher and transition.target is not None:
            allowed.append(name)
    return allowed


def access_part_view(*, session: Session, actor: Actor, part_id: int) -> dict[str, Any]:
    """One part with its history, the request it belongs to, and what the actor may do with it."""
    require_account(actor)
    part, request, study = _part_for(session, actor, part_id)
    data = _part_json(session, part, study, history=True)
    data["request"] = _request_json(session, request)
    data["actions"] = actions_for(actor, request, study, part.status)
    data["viewer_side"] = "researcher" if actor.account_id == request.requester_id else "manager"
    return data


def access_request_view(*, session: Session, actor: Actor, request_id: int) -> dict[str, Any]:
    """A whole request, every part with its history: for the researcher who made it (and the admin)."""
    require_account(actor)
    request = session.get(AccessRequest, request_id)
    if request is None or not (actor.is_admin or actor.account_id == request.requester_id):
        raise NotFound(f"no access request {request_id}")
    data = _request_json(session, request)
    data["parts"] = []
    for part in session.scalars(select(AccessRequestPart).where(AccessRequestPart.request_id == request.id)
                                .order_by(AccessRequestPart.id)):
        study = session.get(Study, part.study_id)
        assert study is not None
        entry = _part_json(session, part, study, history=True)
        entry["actions"] = actions_for(actor, request, study, part.status)
        data["parts"].append(entry)
    return data


def access_requests_mine(*, session: Session, actor: Actor) -> list[dict[str, Any]]:
    """The requests the actor made, newest first, with each part's status."""
    require_account(actor)
    if actor.account_id is None:
        return []
    found = []
    for request in session.scalars(select(AccessRequest).where(AccessRequest.requester_id == actor.account_id)
                                   .order_by(AccessRequest.id.desc())):
        data = _request_json(session, request)
        data["parts"] = [
            {"id": part.id, "status": part.status, "study": slug}
            for part, slug in session.execute(
                select(AccessRequestPart, Study.slug).join(Study, Study.id == AccessRequestPart.study_id)
                .where(AccessRequestPart.request_id == request.id).order_by(Study.slug))
        ]
        found.append(data)
    return found


def access_inbox(*, session: Session, actor: Actor, study_slug: str | None = None) -> list[dict[str, Any]]:
    """The parts the actor answers: those of the studies they manage (every study for the admin)."""
    require_account(actor)
    query = (select(AccessRequestPart, AccessRequest, Study)
             .join(AccessRequest, AccessRequest.id == AccessRequestPart.request_id)
             .join(Study, Study.id == AccessRequestPart.study_id)
             .order_by(AccessRequestPart.id.desc()))
    if study_slug is not None:
        query = query.where(Study.slug == study_slug)
    found = []
    for part, request, study in session.execute(query):
        if not (actor.is_admin or actor.role_on(study.id) == "manager"):
            continue
        requester = session.get(Account, request.requester_id)
        found.append({"id": part.id, "status": part.status, "open": part.status in OPEN,
                      "study": study.slug, "request": request.id, "title": request.title,
                      "requester": requester.email if requester else None,
                      "variables": len(part.variables or []), "updated_at": _moment(part.updated_at)})
    return found


# --- Mails -------------------------------------------------------------------------------------------------

SUBJECTS: dict[str, tuple[str, str]] = {
    "submit": ("Nouvelle demande d'accès", "New access request"),
    "review": ("Demande d'accès en cours d'examen", "Access request under review"),
    "request_information": ("Informations demandées sur votre demande d'accès",
                            "More information needed on your access request"),
    "answer": ("Réponse du chercheur à une demande d'accès", "The researcher answered an access request"),
    "approve": ("Demande d'accès approuvée", "Access request approved"),
    "reject": ("Demande d'accès refusée", "Access request rejected"),
    "withdraw": ("Demande d'accès retirée", "Access request withdrawn"),
    "comment": ("Nouveau message sur une demande d'accès", "New message on an access request"),
}
STATUS_WORDS: dict[str, tuple[str, str]] = {
    "submitted": ("soumise", "submitted"),
    "under_review": ("en cours d'examen", "under review"),
    "more_information_requested": ("informations demandées", "more information requested"),
    "approved": ("approuvée", "approved"),
    "rejected": ("refusée", "rejected"),
    "withdrawn": ("retirée", "withdrawn"),
}


def _mail(kind: str, recipients: list[str], request: AccessRequest, part: AccessRequestPart, study: Study,
          actor: Actor, message: str, base_url: str) -> Mail:
    fr_subject, en_subject = SUBJECTS[kind]
    fr_status, en_status = STATUS_WORDS[part.status]
    title = first_text(study.title, ("fr", "en")) or study.slug
    link = f"{base_url.rstrip('/')}/access/parts/{part.id}"
    quoted = "\n".join("> " + line for line in message.splitlines()) if message else ""
    body = "\n".join(line for line in (
        f"{fr_subject} — {request.title}",
        f"Étude : {title} ({study.slug}) · statut : {fr_status} · par {actor.label}",
        "",
        f"{en_subject} — {request.title}",
        f"Study: {title} ({study.slug}) · status: {en_status} · by {actor.label}",
        "",
        quoted,
        "" if quoted else None,
        f"{link}",
        "",
        "— ddicat (message automatique / automatic message)",
    ) if line is not None)
    return Mail(kind=f"access.{kind}", recipients=tuple(recipients),
                subject=f"[ddicat] {fr_subject} / {en_subject}: {request.title} ({study.slug})", body=body)


def _mail_to_managers(session: Session, request: AccessRequest, part: AccessRequestPart, study: Study,
                      actor: Actor, kind: str, message: str, base_url: str) -> Mail:
    return _mail(kind, study_managers(session, study), request, part, study, actor, message, base_url)


def _mail_to_researcher(session: Session, request: AccessRequest, part: AccessRequestPart, study: Study,
                        actor: Actor, kind: str, message: str, base_url: str) -> Mail:
    requester = session.get(Account, request.requester_id)
    return _mail(kind, [requester.email] if requester else [], request, part, study, actor, message, base_url)
