"""Explanation wording: whole sentences, each fact once, the web app's words (#16)."""

from __future__ import annotations

from resonance.recommend.explain import (
    DescriptorComparison,
    Explanation,
    TargetMatch,
    genre_overlap,
    share_summary,
)
from resonance.recommend.responses import explanation_json


def test_sentences_are_whole_and_use_the_app_words() -> None:
    explanation = Explanation(
        shares={"audio": 0.4},
        imputed_blocks=["audio", "cooc"],
        closest=[DescriptorComparison("energy", 0.62, 0.55, 0.07)],
        shared_genres=["jazz"],
        common_playlists=1,
        seeds_in_common_playlists=2,
        diversity_note="Picked for variety over 1 higher-scoring track: it is 40% like …",
        targets=[TargetMatch("energy", 0.62, 0.6)],
    )
    sentences = explanation.sentences()
    assert all(s[0].isupper() and s.endswith(".") for s in sentences), sentences
    assert sentences[0] == "Energy 62%, for your target of 60%."
    assert "Sounds alike: energy 62% vs your seeds' 55%." in sentences
    assert "In 1 playlist with 2 of your seeds." in sentences
    text = " ".join(sentences)
    assert "sound or listened-together data" in text
    assert " audio " not in text and "cooc" not in text


def test_a_genre_pair_is_named_once_and_never_beside_the_same_shared_genre() -> None:
    similarity = {
        ("cool jazz", "jazz"): 0.8,
        ("jazz", "cool jazz"): 0.8,
        ("bebop", "jazz"): 0.7,
        ("bebop", "cool jazz"): 0.6,
    }
    shared, related = genre_overlap(["cool jazz", "jazz"], ["jazz", "cool jazz"], similarity)
    assert shared == ["cool jazz", "jazz"] and related == []
    shared, related = genre_overlap(["bebop", "jazz"], ["jazz", "cool jazz"], similarity)
    assert shared == ["jazz"]
    assert [(g, s) for g, s, _ in related] == [("bebop", "jazz"), ("bebop", "cool jazz")]


def test_the_summary_names_the_parts_as_the_explanation_bar_does() -> None:
    shares = {"audio": 0.31, "genre": 0.15, "cooc": 0.0004, "targets": -0.05, "playlists": 0.04}
    assert share_summary(shares) == "Sound 62%, Genre 30%, Shared playlists 8%"
    assert share_summary({}) == "no breakdown"


def test_tempo_is_approximate_at_medium_confidence_in_every_explanation() -> None:
    sure = DescriptorComparison("tempo_bpm", 120.2, 118.0, 0.04, confidence=0.82)
    fair = DescriptorComparison("tempo_bpm", 120.2, 118.0, 0.04, confidence=0.6)
    assert sure.text == "tempo 120 BPM vs your seeds' 118"
    assert fair.text == "tempo around 120 BPM vs your seeds' 118"
    # Spotify's tempi carry no confidence of ours: stated as given.
    assert DescriptorComparison("tempo_bpm", 96.0, 90.0, 0.1).text.startswith("tempo 96 BPM")
    target = TargetMatch("tempo_bpm", 131.0, 128.0, confidence=0.55)
    assert target.text == "tempo around 131 BPM, for your target of 128 BPM"
    assert TargetMatch("tempo_bpm", 131.0, 128.0, confidence=0.9).text.startswith("tempo 131 BPM")


def test_a_discovered_tracks_provenance_is_its_own_sentence() -> None:
    """The provenance comes first and ends with a full stop: it does not run into the next."""
    explanation = Explanation(shares={"cooc": 0.5}, imputed_blocks=["genre"])
    body = explanation_json(
        explanation,
        "New to you: by Scarlet Ghosts, similar to X, on ListenBrainz",
        "New · ListenBrainz",
    )
    first, *rest = body["sentences"]
    assert first == "New to you: by Scarlet Ghosts, similar to X, on ListenBrainz."
    assert rest and all(s[0].isupper() and s.endswith(".") for s in rest)
    assert body["provenance"].endswith("ListenBrainz"), "the badge's title keeps the plain text"
