"""The options of the interoperability commands, kept apart so that building the ``luotain`` parser imports
nothing heavy."""

from __future__ import annotations

import argparse

FORMATS = ("csv", "xlsx", "sav", "parquet")
BINARY_FORMATS = ("xlsx", "sav", "parquet")


def add_import_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--questionnaire", help="questionnaire YAML file (instead of --survey; with -o)")
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--draft-mapping", metavar="MAPPING.yaml", help="draft a mapping of another tool's file and stop"
    )
    group.add_argument("--mapping", metavar="MAPPING.yaml", help="import another tool's file by this mapping")
    p.add_argument("--sheet", help="the sheet of an .xlsx file (default: the first)")
    p.add_argument(
        "--skip-unmapped", action="store_true", help="import what is mapped, leaving out the reported rest"
    )
    p.add_argument("-o", "--output", help="with --questionnaire: write the response table here")


def add_export_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, help="default: from the -o file's suffix, else csv")
    p.add_argument("--lang", choices=["fi", "sv", "en"], default="fi", help="labels' language (xlsx, sav)")
