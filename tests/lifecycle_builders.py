"""Building lifecycle histories for tests: events, documents and text versions in a line each."""

from __future__ import annotations

import datetime as dt

from gazette.model import (
    Block,
    DocRef,
    Document,
    LifecycleEvent,
    Provenance,
    ProvenanceKind,
    TextVersion,
)

D = dt.date
PARSED = Provenance(ProvenanceKind.PARSED, excerpt="…")


def ev(
    kind: str,
    date: D | None,
    *,
    outcome: str | None = None,
    articles: tuple[str, ...] = (),
    acting: DocRef | None = None,
    at: dt.datetime | None = None,
) -> LifecycleEvent:
    prov = Provenance(ProvenanceKind.MANUAL, by="t", at=at) if at else PARSED
    return LifecycleEvent(
        kind=kind,
        date=date,
        outcome=outcome,
        articles=articles,
        acting=acting,
        provenance=prov,
    )


def doc(*events: LifecycleEvent, texts: tuple[TextVersion, ...] = (), title: str = "X") -> Document:
    return Document(title=title, events=events, texts=texts)


def text(
    adopted: D | None = None, effective: D | None = None, label: str | None = None
) -> TextVersion:
    return TextVersion(
        blocks=(Block(f"text {adopted} {effective}"),),
        adopted=adopted,
        effective=effective,
        label=label,
    )


REPEAL_ACT = DocRef("《废止决定》", "废止决定", "青政发〔2022〕5号", "dec")
