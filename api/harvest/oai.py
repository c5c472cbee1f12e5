"""OAI-PMH 2.0: the six verbs, selective harvesting by set and date, resumption tokens, OAI errors.

Arguments are checked as the protocol says (each verb's required, optional and exclusive arguments; a
repeated argument is `badArgument`). Resumption tokens are stateless: they carry the request's filters and
the (datestamp, identifier) of the last record sent, so paging continues correctly even when records change
between requests (a changed record moves to the end of the list and is sent again). Datestamps are UTC
seconds (`YYYY-MM-DDThh:mm:ssZ`); `from`/`until` also accept days.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from sqlalchemy.orm import Session

from api.harvest.oai_records import (
    XML_LANG,
    OaiRecord,
    ddi_l,
    oai_dc,
    published_records,
    repository_sets,
)
from catalogue.model import parse_urn

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
PAGE_SIZE = 100
FORMATS = {
    "oai_dc": (
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        "http://www.openarchives.org/OAI/2.0/oai_dc/",
    ),
    "ddi-l": (
        "https://ddialliance.org/Specification/DDI-Lifecycle/3.3/XMLSchema/instance.xsd",
        "ddi:instance:3_3",
    ),
}
LIST_ARGUMENTS = ({"metadataPrefix"}, {"from", "until", "set"})
VERBS: dict[str, tuple[set[str], set[str]]] = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), set()),
    "ListIdentifiers": LIST_ARGUMENTS,
    "ListRecords": LIST_ARGUMENTS,
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}
PAGED_VERBS = {"ListIdentifiers", "ListRecords", "ListSets"}


class OaiError(Exception):
    """An OAI-PMH error condition: its code (badArgument...) and a message for the harvester."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(slots=True)
class Repository:
    """What the protocol layer needs from the catalogue: where it lives and how to name it."""

    session: Session
    base_url: str
    name: str = "ddicat"
    admin_email: str | None = None
    page_size: int = PAGE_SIZE
    page_url: Any = None  # urn, type -> the public page of a record

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or "localhost"

    @property
    def endpoint(self) -> str:
        return self.base_url.rstrip("/") + "/oai"


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_date(value: str, *, name: str, end: bool) -> tuple[datetime, str]:
    """A `from`/`until` value and its granularity; a day `until` includes that whole day."""
    for layout, granularity in (("%Y-%m-%dT%H:%M:%SZ", "seconds"), ("%Y-%m-%d", "day")):
        try:
            moment = datetime.strptime(value, layout).replace(tzinfo=UTC)
        except ValueError:
            continue
        if granularity == "day" and end:
            moment += timedelta(days=1, seconds=-1)
        return moment, granularity
    raise OaiError("badArgument", f"{name}={value!r} is not a UTC date or datetime ({GRANULARITY})")


def encode_token(state: dict[str, Any]) -> str:
    raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> dict[str, Any]:
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise OaiError(
            "badResumptionToken", "the resumption token is not one this repository issued"
        ) from error
    if not isinstance(state, dict) or state.get("v") != 1 or "m" not in state or "c" not in state:
        raise OaiError("badResumptionToken", "the resumption token is not one this repository issued")
    return state


def checked_arguments(pairs: Sequence[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """The verb and its arguments, or the OAI error the request deserves."""
    arguments: dict[str, str] = {}
    repeated = set()
    for key, value in pairs:
        if key in arguments:
            repeated.add(key)
        arguments[key] = value
    verb = arguments.pop("verb", None)
    if "verb" in repeated:
        raise OaiError("badVerb", "the verb argument is repeated")
    if verb is None:
        raise OaiError("badVerb", "the verb argument is missing")
    if verb not in VERBS:
        raise OaiError("badVerb", f"{verb!r} is not an OAI-PMH verb")
    if repeated:
        raise OaiError("badArgument", f"repeated argument: {', '.join(sorted(repeated))}")
    required, optional = VERBS[verb]
    if "resumptionToken" in arguments and verb in PAGED_VERBS:
        extra = set(arguments) - {"resumptionToken"}
        if extra:
            raise OaiError("badArgument", f"resumptionToken is exclusive: drop {', '.join(sorted(extra))}")
        return verb, arguments
    illegal = set(arguments) - required - optional
    if illegal:
        raise OaiError("badArgument", f"illegal argument for {verb}: {', '.join(sorted(illegal))}")
    missing = required - set(arguments)
    if missing:
        raise OaiError("badArgument", f"missing argument for {verb}: {', '.join(sorted(missing))}")
    return verb, arguments


class OaiResponse:
    """One response document under construction."""

    def __init__(self, repository: Repository, verb: str | None, arguments: dict[str, str]) -> None:
        self.repository = repository
        self.root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
        self.root.set(
            f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
        )
        self.add(self.root, "responseDate", stamp(datetime.now(UTC)))
        request = self.add(self.root, "request", repository.endpoint)
        if verb is not None:
            request.set("verb", verb)
            for key, value in arguments.items():
                request.set(key, value)

    @staticmethod
    def add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
        element = etree.SubElement(parent, f"{{{OAI_NS}}}{name}")
        if text is not None:
            element.text = text
        return element

    def error(self, error: OaiError) -> None:
        element = self.add(self.root, "error", error.message)
        element.set("code", error.code)

    def bytes(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def oai_response(pairs: Sequence[tuple[str, str]], repository: Repository) -> bytes:
    """The whole exchange: request arguments in, an OAI-PMH document out (errors included, HTTP 200)."""
    try:
        verb, arguments = checked_arguments(pairs)
    except OaiError as error:
        response = OaiResponse(repository, None, {})
        response.error(error)
        return response.bytes()
    response = OaiResponse(repository, verb, arguments)
    try:
        HANDLERS[verb](response, arguments)
    except OaiError as error:
        for child in list(response.root)[2:]:
            response.root.remove(child)
        if error.code in ("badArgument", "badVerb"):
            request = response.root[1]
            for key in list(request.attrib):
                del request.attrib[key]  # the protocol: no attributes echoed for a bad request
        response.error(error)
    return response.bytes()


def identify(response: OaiResponse, arguments: dict[str, str]) -> None:
    repository = response.repository
    records = published_records(repository.session, repository.host)
    body = response.add(response.root, "Identify")
    response.add(body, "repositoryName", repository.name)
    response.add(body, "baseURL", repository.endpoint)
    response.add(body, "protocolVersion", "2.0")
    response.add(body, "adminEmail", repository.admin_email or f"webmaster@{repository.host}")
    earliest = min((r.datestamp for r in records), default=datetime(2000, 1, 1, tzinfo=UTC))
    response.add(body, "earliestDatestamp", stamp(earliest))
    response.add(body, "deletedRecord", "no")
    response.add(body, "granularity", GRANULARITY)


def _record_by_identifier(repository: Repository, identifier: str) -> OaiRecord:
    prefix = f"oai:{repository.host}:"
    parsed = parse_urn(identifier[len(prefix) :]) if identifier.startswith(prefix) else None
    if parsed is None:
        raise OaiError(
            "idDoesNotExist", f"{identifier!r} is not an identifier of this repository ({prefix}urn:ddi:…)"
        )
    agency, ddi_id, version = parsed
    wanted = f"{prefix}urn:ddi:{agency}:{ddi_id}".lower()
    for record in published_records(repository.session, repository.host):
        if record.identifier.lower() == wanted and (version is None or record.urn.endswith(f":{version}")):
            return record
    raise OaiError("idDoesNotExist", f"no published record {identifier!r}")


def list_metadata_formats(response: OaiResponse, arguments: dict[str, str]) -> None:
    if "identifier" in arguments:
        _record_by_identifier(response.repository, arguments["identifier"])  # every record has both formats
    body = response.add(response.root, "ListMetadataFormats")
    for prefix, (schema, namespace) in FORMATS.items():
        entry = response.add(body, "metadataFormat")
        response.add(entry, "metadataPrefix", prefix)
        response.add(entry, "schema", schema)
        response.add(entry, "metadataNamespace", namespace)


def list_sets(response: OaiResponse, arguments: dict[str, str]) -> None:
    if "resumptionToken" in arguments:
        raise OaiError("badResumptionToken", "the list of sets is sent whole: it has no resumption token")
    body = response.add(response.root, "ListSets")
    for spec, name, titles in repository_sets(response.repository.session):
        entry = response.add(body, "set")
        response.add(entry, "setSpec", spec)
        response.add(entry, "setName", name)
        if titles:
            description = response.add(entry, "setDescription")
            description.append(_dc_titles(titles))


def _dc_titles(titles: dict[str, str]) -> etree._Element:
    from api.harvest.oai_records import DC_NS, OAI_DC_NS

    root = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS})
    for lang, value in titles.items():
        element = etree.SubElement(root, f"{{{DC_NS}}}title")
        element.text = value
        if lang != "und":
            element.set(XML_LANG, lang)
    return root


def _header(response: OaiResponse, parent: etree._Element, record: OaiRecord) -> None:
    header = response.add(parent, "header")
    response.add(header, "identifier", record.identifier)
    response.add(header, "datestamp", stamp(record.datestamp))
    for spec in sorted(record.sets):
        response.add(header, "setSpec", spec)


def _metadata(response: OaiResponse, parent: etree._Element, record: OaiRecord, prefix: str) -> None:
    repository = response.repository
    element = response.add(parent, "metadata")
    if prefix == "oai_dc":
        page = repository.page_url(record) if repository.page_url else ""
        element.append(oai_dc(repository.session, record, page))
    else:
        element.append(ddi_l(repository.session, record))


def get_record(response: OaiResponse, arguments: dict[str, str]) -> None:
    prefix = arguments["metadataPrefix"]
    record = _record_by_identifier(response.repository, arguments["identifier"])
    if prefix not in FORMATS:
        raise OaiError("cannotDisseminateFormat", f"{prefix!r} is not a metadata format of this repository")
    body = response.add(response.root, "GetRecord")
    entry = response.add(body, "record")
    _header(response, entry, record)
    _metadata(response, entry, record, prefix)


def _list_state(arguments: dict[str, str]) -> dict[str, Any]:
    if "resumptionToken" in arguments:
        return decode_token(arguments["resumptionToken"])
    state: dict[str, Any] = {"v": 1, "m": arguments["metadataPrefix"], "c": 0}
    granularities = set()
    for name, end in (("from", False), ("until", True)):
        if name in arguments:
            moment, granularity = parse_date(arguments[name], name=name, end=end)
            granularities.add(granularity)
            state[name[0]] = stamp(moment)
    if len(granularities) > 1:
        raise OaiError("badArgument", "from and until must have the same granularity")
    if "f" in state and "u" in state and state["f"] > state["u"]:
        raise OaiError("badArgument", "from is later than until")
    if "set" in arguments:
        state["s"] = arguments["set"]
    return state


def _listing(response: OaiResponse, arguments: dict[str, str], *, with_metadata: bool) -> None:
    repository = response.repository
    state = _list_state(arguments)
    prefix = state["m"]
    if prefix not in FORMATS:
        raise OaiError("cannotDisseminateFormat", f"{prefix!r} is not a metadata format of this repository")
    records = published_records(repository.session, repository.host)
    spec = state.get("s")
    if spec is not None and spec not in {s for s, _n, _t in repository_sets(repository.session)}:
        raise OaiError("noRecordsMatch", f"no set {spec!r} in this repository (ListSets names them)")
    chosen = [
        r
        for r in records
        if (spec is None or spec in r.sets)
        and ("f" not in state or stamp(r.datestamp) >= state["f"])
        and ("u" not in state or stamp(r.datestamp) <= state["u"])
    ]
    if not chosen:
        raise OaiError("noRecordsMatch", "no record matches these arguments")
    after = (state["d"], state["i"]) if "d" in state else None
    remaining = [r for r in chosen if after is None or r.order > after]
    if "resumptionToken" in arguments and not remaining:
        raise OaiError("badResumptionToken", "the list this token continues has no more records")
    page = remaining[: repository.page_size]
    body = response.add(response.root, "ListRecords" if with_metadata else "ListIdentifiers")
    for record in page:
        if with_metadata:
            entry = response.add(body, "record")
            _header(response, entry, record)
            _metadata(response, entry, record, prefix)
        else:
            _header(response, body, record)
    cursor = int(state["c"])
    more = len(remaining) > len(page)
    if more or "resumptionToken" in arguments:
        token = response.add(body, "resumptionToken")
        token.set("completeListSize", str(len(chosen)))
        token.set("cursor", str(cursor))
        if more:
            last = page[-1]
            token.text = encode_token(dict(state, d=last.order[0], i=last.order[1], c=cursor + len(page)))


def list_identifiers(response: OaiResponse, arguments: dict[str, str]) -> None:
    _listing(response, arguments, with_metadata=False)


def list_records(response: OaiResponse, arguments: dict[str, str]) -> None:
    _listing(response, arguments, with_metadata=True)


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
    "GetRecord": get_record,
}
