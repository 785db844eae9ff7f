"""Track vectors (blocks, weights, normalisation) and the FAISS index store."""
