"""Discovery in the JSON API: the same question across waves, comparable variables in other cohorts (and
their confirmation), and the coverage grid. The pages (`api.discovery_pages`) show the same contexts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.across_waves import item_waves_context
from api.auth import get_write_actor
from api.coverage import coverage_context
from api.deps import get_runtime, get_session, get_viewer
from api.manage_api import write_through
from api.runtime import Runtime
from api.search_service import search_visibility
from catalogue.accounts import Actor
from catalogue.harmonisation import ComparableLink, comparable_confirm, comparable_reject
from catalogue.store.reads import Viewer
from search.comparable import comparable_candidates, score_pair

router = APIRouter(prefix="/api/v1", tags=["discovery"])
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SessionDep = Annotated[Session, Depends(get_session)]
ViewerDep = Annotated[Viewer, Depends(get_viewer)]
MAX_CANDIDATES = 50


class ConfirmChoice(BaseModel):
    label: dict[str, str] | None = Field(
        default=None, description="Label of the shared concept per language; default: the variable's label "
        "without its trailing wave")


def comparable_context(
    session: Session, runtime: Runtime, viewer: Viewer, urn: str, *, limit: int = 10
) -> dict[str, Any]:
    """The ranked candidates of a variable, with the weights and every feature behind each score."""
    result = comparable_candidates(session=session, backend=runtime.backend, urn=urn, viewer=viewer,
                                   visibility=search_visibility(session, viewer), limit=limit)
    return result.as_dict()


def link_result(link: ComparableLink) -> dict[str, Any]:
    return {"status": link.status, "score": link.score, "reasons": list(link.reasons or []),
            "left": f"urn:ddi:{link.left_agency}:{link.left_ddi_id}:{link.left_version}",
            "right": f"urn:ddi:{link.right_agency}:{link.right_ddi_id}:{link.right_version}",
            "decided_by": link.decided_by, "concept_id": link.concept_id}


def comparable_decide(runtime: Runtime, actor: Actor, urn: str, candidate_urn: str, decision: str,
                      label: dict[str, str] | None = None) -> ComparableLink:
    """Score the pair as the candidate list does, then record the person's decision with that score."""
    with runtime.sessions() as session:
        scored = score_pair(session=session, urn=urn, candidate_urn=candidate_urn, viewer=actor.viewer())
    reasons = [feature.reason() for feature in scored.features]
    if decision == "confirm":
        return write_through(runtime, comparable_confirm, actor=actor, urn=urn, candidate_urn=candidate_urn,
                             default_agency=runtime.settings.default_agency, score=scored.score, reasons=reasons,
                             label=label)
    return write_through(runtime, comparable_reject, actor=actor, urn=urn, candidate_urn=candidate_urn,
                         default_agency=runtime.settings.default_agency, score=scored.score, reasons=reasons)


@router.get("/items/{urn}/waves", summary="Where the study asked this question again, wave by wave")
def item_waves(urn: str, session: SessionDep, viewer: ViewerDep) -> dict[str, Any]:
    return item_waves_context(session, urn, viewer)


@router.get("/items/{urn}/comparable", summary="Comparable variables in other cohorts, scored with reasons")
def item_comparable(
    urn: str, runtime: RuntimeDep, session: SessionDep, viewer: ViewerDep,
    limit: Annotated[int, Query(ge=1, le=MAX_CANDIDATES)] = 10,
) -> dict[str, Any]:
    return comparable_context(session, runtime, viewer, urn, limit=limit)


@router.post("/items/{urn}/comparable/{candidate_urn}/confirm",
             summary="Confirm a comparable variable (a manager of either study, or the admin)")
def item_comparable_confirm(
    urn: str, candidate_urn: str, runtime: RuntimeDep, actor: Annotated[Actor, Depends(get_write_actor)],
    choice: Annotated[ConfirmChoice | None, Body()] = None,
) -> dict[str, Any]:
    link = comparable_decide(runtime, actor, urn, candidate_urn, "confirm", choice.label if choice else None)
    return link_result(link)


@router.post("/items/{urn}/comparable/{candidate_urn}/reject",
             summary="Reject a proposed variable (a manager of either study, or the admin)")
def item_comparable_reject(
    urn: str, candidate_urn: str, runtime: RuntimeDep, actor: Annotated[Actor, Depends(get_write_actor)],
) -> dict[str, Any]:
    return link_result(comparable_decide(runtime, actor, urn, candidate_urn, "reject"))


@router.get("/coverage", summary="Cohort × wave × topic: variables per cell, each with its search")
def coverage(
    session: SessionDep, viewer: ViewerDep,
    study: Annotated[list[str] | None, Query(description="Study handle (repeatable)")] = None,
) -> dict[str, Any]:
    return coverage_context(session, viewer, studies=study)
