"""Audio stage: decoding, DSP descriptors, audio sources, local library, demo synthesiser."""
