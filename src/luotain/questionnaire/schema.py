"""The JSON Schema of questionnaire files, generated from the models (for editors and other tools)."""

from __future__ import annotations

from typing import Any

from .model import Questionnaire


def json_schema() -> dict[str, Any]:
    schema = Questionnaire.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Luotain questionnaire"
    return schema
