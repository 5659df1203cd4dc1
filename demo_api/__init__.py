"""The weather demo API that the course teaches from: FastAPI, Pydantic, async and SQLite."""
