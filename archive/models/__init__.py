"""The archive's models, split by domain; import them from here."""

from archive.models.actors import Affiliation, Organization, OrganizationKind, OrganizationName, Person, PersonName
from archive.models.base import ClaimantKind, Language, NameKind, Record, RecordQuerySet, Status
from archive.models.events import (
    Arrest,
    ArrestCountClaim,
    ArrestOutcome,
    EventStatus,
    Protest,
    ProtestKind,
    ProtestSizeClaim,
    Slogan,
)
from archive.models.media import MediaOutlet, OutletAffiliation, OutletBase, OutletKind, OutletName
from archive.models.places import Place, PlaceKind, PlaceName
from archive.models.readmodel import PublicDocument, PublicPlace
from archive.models.search import SearchEntry
from archive.models.sources import Citation, Source, SourceKind
from archive.models.statements import SignatoryClaim, Statement, StatementForm, StatementText
from archive.models.sync import ArchiveState, Tombstone

__all__ = [
    "Affiliation",
    "ArchiveState",
    "Arrest",
    "ArrestCountClaim",
    "ArrestOutcome",
    "Citation",
    "ClaimantKind",
    "EventStatus",
    "Language",
    "MediaOutlet",
    "NameKind",
    "Organization",
    "OrganizationKind",
    "OrganizationName",
    "OutletAffiliation",
    "OutletBase",
    "OutletKind",
    "OutletName",
    "Person",
    "PersonName",
    "Place",
    "PlaceKind",
    "PlaceName",
    "Protest",
    "ProtestKind",
    "ProtestSizeClaim",
    "PublicDocument",
    "PublicPlace",
    "Record",
    "RecordQuerySet",
    "SearchEntry",
    "SignatoryClaim",
    "Slogan",
    "Source",
    "SourceKind",
    "Statement",
    "StatementForm",
    "StatementText",
    "Status",
    "Tombstone",
]
