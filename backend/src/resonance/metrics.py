"""Prometheus metrics: one registry per process, exposed at `/metrics`.

Counters for Spotify traffic live here too so that the client, the API and the
workers share one definition.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_LATENCY = Histogram(
    "resonance_http_request_seconds",
    "HTTP request latency by route template and status class",
    ["method", "route", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
RECOMMEND_LATENCY = Histogram(
    "resonance_recommend_seconds",
    "Time inside the recommender (candidates, scoring, diversity, explanations)",
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25),
    registry=REGISTRY,
)
INDEX_ITEMS = Gauge("resonance_index_items", "Tracks in the served index", registry=REGISTRY)
INDEX_VERSION = Gauge("resonance_index_version", "Served index version", registry=REGISTRY)
JOBS = Gauge(
    "resonance_jobs",
    "Jobs by state (read from the database at scrape time)",
    ["state"],
    registry=REGISTRY,
)
SPOTIFY_REQUESTS = Counter(
    "resonance_spotify_requests_total",
    "Requests sent to Spotify (or the sandbox) by endpoint and status",
    ["endpoint", "status"],
    registry=REGISTRY,
)
SPOTIFY_RATE_LIMITED = Counter(
    "resonance_spotify_rate_limited_total",
    "429 answers from Spotify, by whether the wait was within the cap",
    ["outcome"],  # waited | rescheduled | quota_exceeded
    registry=REGISTRY,
)
