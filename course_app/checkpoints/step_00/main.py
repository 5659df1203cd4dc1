"""The student's weather app, build-along step 0: an empty app."""

# ANCHOR: imports
from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

# ANCHOR_END: imports

# ANCHOR: app
app = FastAPI(title="My weather app")
# The course's pages call this app from another address (the course site): allow it.
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"],
                   allow_headers=["*"], expose_headers=["Location"])
# ANCHOR_END: app
