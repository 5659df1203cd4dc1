"""The student's weather app, build-along step 2: a 400 for a zero divisor."""

# ANCHOR: imports
from __future__ import annotations

from fastapi import FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware

# ANCHOR_END: imports

# ANCHOR: app
app = FastAPI(title="My weather app")
# The course's pages call this app from another address (the course site): allow it.
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"],
                   allow_headers=["*"], expose_headers=["Location"])
# ANCHOR_END: app


# ANCHOR: calculate
@app.get("/api/calculate")
def calculate(x: int, y: int = 10, z: int | None = None) -> dict[str, int | float | None]:
    if z == 0:
        raise HTTPException(status_code=400, detail="z cannot be zero")
    value: int | float = x + y
    if z is not None:
        value = value / z
    return {"x": x, "y": y, "z": z, "value": value}
# ANCHOR_END: calculate
