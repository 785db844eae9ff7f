"""The recommender: candidates, scoring, genre-aware re-ranking, diversity, explanations.

Usable without the web app::

    from resonance.recommend import Recommender, RecommendOptions, Seeds
    model = Recommender.fit(catalogue)
    items = model.recommend(Seeds(track_ids=[12, 40]), n=20)
    similar = model.similar_items(12, n=10)
"""

from resonance.recommend.endpoints import router
from resonance.recommend.options import (
    API_MAX_N,
    LIBRARY_MAX_N,
    GenreMode,
    RecommendOptions,
    Seeds,
    Target,
)
from resonance.recommend.recommender import (
    EmptyCatalogueError,
    Recommendation,
    Recommendations,
    Recommender,
    UnknownSeedsError,
)
from resonance.recommend.schemas import RecommendRequest, RecommendResponse
from resonance.recommend.service import current_model, holder_of, recommend_for

__all__ = [
    "API_MAX_N",
    "LIBRARY_MAX_N",
    "EmptyCatalogueError",
    "GenreMode",
    "RecommendOptions",
    "RecommendRequest",
    "RecommendResponse",
    "Recommendation",
    "Recommendations",
    "Recommender",
    "Seeds",
    "Target",
    "UnknownSeedsError",
    "current_model",
    "holder_of",
    "recommend_for",
    "router",
]
