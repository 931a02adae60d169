"""Settings for a run (base IRI, store path, privacy switches, limits), from defaults, environment and flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from kg.errors import ConfigError

DEFAULT_BASE_IRI = "https://kg.example.org/id/"


@dataclass(frozen=True)
class Settings:
    """Everything a build needs to know besides its sources.

    `person_key` keys the hash that makes people's IRIs opaque: set IGKG_PERSON_KEY to a private
    value before publishing so nobody can test a guessed name against an IRI.
    """

    base_iri: str = DEFAULT_BASE_IRI
    store_path: Path = Path(".igkg/store")
    person_key: str = "igkg-default-person-key"
    include_contact_details: bool = False  # opt-in, private use only: keeps addresses/phones in sioc:content
    workers: int = 1
    quiet: bool = False
    suppression_path: Path | None = None  # people who asked to be left out (kg/suppression.py's format)

    def __post_init__(self):
        if not (self.base_iri.startswith(("http://", "https://")) and self.base_iri.endswith(("/", "#"))):
            raise ConfigError(
                f"base IRI {self.base_iri!r} must be an http(s) IRI ending in '/' or '#', "
                "e.g. https://kg.example.org/id/"
            )


def settings_from_env(**overrides) -> Settings:
    """Defaults, then IGKG_* environment variables, then explicit overrides (flags); None means unset."""
    values: dict = {}
    env = {
        "IGKG_BASE_IRI": "base_iri",
        "IGKG_STORE": "store_path",
        "IGKG_PERSON_KEY": "person_key",
        "IGKG_SUPPRESSION": "suppression_path",
    }
    for var, field_name in env.items():
        if os.environ.get(var):
            values[field_name] = os.environ[var]
    values.update({k: v for k, v in overrides.items() if v is not None})
    for name in ("store_path", "suppression_path"):
        if name in values:
            values[name] = Path(values[name])
    return replace(Settings(), **values) if values else Settings()
