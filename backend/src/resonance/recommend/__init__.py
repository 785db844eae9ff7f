"""The recommender: candidates, scoring, genre-aware re-ranking, diversity, explanations.

Usable without the web app::

    from resonance.recommend import Recommender, RecommendOptions, Seeds
    model = Recommender.fit(catalogue)
    items = model.recommend(Seeds(track_ids=[12, 40]), n=20)
    similar = model.similar_items(12, n=10)
"""

from resonance.recommend.options import GenreMode, RecommendOptions, Seeds, Target
from resonance.recommend.recommender import Recommendation, Recommender

__all__ = ["GenreMode", "RecommendOptions", "Recommendation", "Recommender", "Seeds", "Target"]
