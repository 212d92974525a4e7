"""Interoperability with other survey tools (no Django): XLSForm questionnaires in and out, responses out to
CSV, Excel, SPSS and Parquet, and other tools' spreadsheets in through a mapping file (docs/interop.md)."""
