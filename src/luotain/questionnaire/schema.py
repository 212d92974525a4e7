"""The JSON Schema of questionnaire files, generated from the models (for editors and other tools)."""

from __future__ import annotations

from typing import Any

from .model import Questionnaire


def json_schema() -> dict[str, Any]:
    schema = Questionnaire.model_json_schema(mode="validation")
    # A plain string is accepted as Finnish text (see Text._plain_string_is_finnish).
    text = schema["$defs"]["Text"]
    schema["$defs"]["Text"] = {
        "title": "Text",
        "description": text.get("description", ""),
        "anyOf": [{"type": "string", "minLength": 1}, {k: v for k, v in text.items() if k != "description"}],
    }
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Luotain questionnaire"
    return schema
