"""Documents from DOCX templates: sandboxed docxtpl rendering, dates, calendar files.

`documents` has one function per lifecycle moment; everything else here is a
helper of those functions (or of the command line and the benchmarks).
"""
