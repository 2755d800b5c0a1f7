"""Outcomes over time: a Hub's shared outcome questions, anonymous linking codes and change."""

from __future__ import annotations

from typing import Protocol


class ServiceLike(Protocol):
    """What `hub_id_of` reads of a service (a model or the frozen snapshot)."""

    # Read-only members, so the frozen snapshot's ServiceData fits as well as the model.
    @property
    def id(self) -> int: ...

    @property
    def kind(self) -> str: ...

    @property
    def parent_id(self) -> int | None: ...


def hub_id_of(service: ServiceLike) -> int:
    """The Hub a service belongs to: itself for a Hub (or a Spoke with no Hub), else its parent."""
    if service.kind == "hub" or service.parent_id is None:
        return service.id
    return service.parent_id
