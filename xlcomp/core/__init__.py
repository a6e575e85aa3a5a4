"""The pure core of xlcomp: frozen pydantic models and the calculations of every
worksheet function. Imports nothing from xlwings, openpyxl, formulas or the CLI."""
