"""The report's formats, registered once: each format's name, its label for people, its file name and content
type. The command line, the background jobs, the Reports page and the demo all take their formats from here;
each format's renderer is registered by the same name in ``luotain.report.render``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ReportFormat:
    name: str  # as the command line, the jobs and the renderers call it
    label: Mapping[str, str]  # fi, sv, en
    extension: str
    content_type: str
    # The word added to the file name (a table report beside the deck of the same name), by language.
    tag: Mapping[str, str] | None = None

    def filename(self, base: str, lang: str = "fi") -> str:
        tag = f"-{self.tag.get(lang, self.tag['fi'])}" if self.tag else ""
        return f"{base}{tag}.{self.extension}"

    def label_in(self, lang: str) -> str:
        return self.label.get(lang, self.label["fi"])


class Formats(Mapping[str, ReportFormat]):
    """The formats in the order they are offered."""

    def __init__(self, *formats: ReportFormat) -> None:
        self._by_name = {f.name: f for f in formats}

    def __getitem__(self, name: str) -> ReportFormat:
        try:
            return self._by_name[name]
        except KeyError:
            raise ValueError(f"no report format '{name}' (formats: {', '.join(self._by_name)})") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)


HTML = "text/html; charset=utf-8"

REPORT_FORMATS = Formats(
    ReportFormat(
        "pptx",
        {
            "fi": "PowerPoint-esitys (PPTX)",
            "sv": "PowerPoint-presentation (PPTX)",
            "en": "PowerPoint slides (PPTX)",
        },
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ReportFormat("pdf", {"fi": "PDF", "sv": "PDF", "en": "PDF"}, "pdf", "application/pdf"),
    ReportFormat(
        "html",
        {"fi": "Verkkosivu (HTML)", "sv": "Webbsida (HTML)", "en": "Web page (HTML)"},
        "html",
        HTML,
    ),
    ReportFormat(
        "table",
        {"fi": "Taulukot (HTML)", "sv": "Tabeller (HTML)", "en": "Tables (HTML)"},
        "html",
        HTML,
        tag={"fi": "taulukot", "sv": "tabeller", "en": "tables"},
    ),
)
