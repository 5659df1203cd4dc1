"""The one engine behind coursegen build, check and dev (see :mod:`generator.engine.core`)."""
