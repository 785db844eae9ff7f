"""Jobs: persisted state and progress, run in-process or on arq workers."""
