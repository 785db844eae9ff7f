"""Resonance: explainable music recommendations."""

__version__ = "0.1.0"
