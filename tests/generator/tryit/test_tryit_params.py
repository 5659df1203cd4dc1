"""The schema's help for each panel: the operation's parameters in the panel's data."""

from __future__ import annotations

import json
from typing import Any

from test_tryit_render import VaultFactory, build, fence, page


def panel_data(make_vault: VaultFactory, kind: str, body: str) -> dict[str, Any]:
    result = build(make_vault, fence(kind, body))
    section = page(result).css_first("section.tryit")
    assert section is not None
    data: dict[str, Any] = json.loads(section.attributes["data-tryit"] or "")
    return data


def test_params_tryit_carries_types_bounds_and_descriptions_of_its_operation(
    make_vault: VaultFactory,
) -> None:
    data = panel_data(make_vault, "tryit", "GET /api/reports/3")
    assert data["operation"]["path"] == "/api/reports/{report_id}"
    (report_id,) = data["operation"]["parameters"]
    # 2**63 - 1 is beyond JavaScript's exact numbers: it travels as text
    assert report_id == {"name": "report_id", "in": "path", "required": True,
                         "type": "integer", "minimum": 1, "maximum": "9223372036854775807"}
    weather = panel_data(make_vault, "tryit", "GET /api/weather/Portland?state=OR")
    state = next(p for p in weather["operation"]["parameters"] if p["name"] == "state")
    assert state["type"] == "string" and state["nullable"] is True
    assert state["description"] == "Two-letter US state"
    units = next(p for p in weather["operation"]["parameters"] if p["name"] == "units")
    assert "metric" in units["enum"]


def test_params_exercise_carries_its_operation_and_a_student_one_none(
    make_vault: VaultFactory,
) -> None:
    exercise = ("id: limit-two\ntitle: Two\ntask: Ask for two.\nstart: |\n  GET /api/reports\n"
                "check:\n  status: 200\n")
    data = panel_data(make_vault, "exercise", exercise)
    (limit,) = data["operation"]["parameters"]
    assert limit["name"] == "limit" and limit["minimum"] == 1 and limit["maximum"] == 100
    student = panel_data(make_vault, "exercise", exercise + "target: student\n")
    assert "operation" not in student
