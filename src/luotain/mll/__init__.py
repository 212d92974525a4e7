"""MLL's partner survey, the first real case, in one place: the built-in questionnaires of its 2024 and
2025 waves with their report specs and codebooks (``templates/``), and the demo answers of each wave
(``demo_2024``, ``demo_2025``: seeded, the 2024 report's published figures reproduced exactly). Nothing
generic lives here, and nothing generic depends on what is here but the built-in templates' folder
(``luotain.questionnaire.loader.BUILTIN_TEMPLATES``)."""
