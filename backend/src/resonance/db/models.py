"""Imports every feature's models so that `Base.metadata` is complete (Alembic, tests)."""

from resonance.audio import models as audio_models
from resonance.catalog import models as catalog_models
from resonance.db.base import Base
from resonance.jobs import models as job_models
from resonance.vectors import models as vector_models

__all__ = ["Base", "audio_models", "catalog_models", "job_models", "vector_models"]
