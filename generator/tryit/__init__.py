"""Try-it panels and checked exercises: parse ``tryit`` / ``exercise`` fences, validate them
against an OpenAPI schema, render them for the page, and send them to the demo API.

.. code-block:: md

    ```tryit
    # Weather in Portland
    GET /api/weather/Portland?state=OR
    ```
"""

from __future__ import annotations
