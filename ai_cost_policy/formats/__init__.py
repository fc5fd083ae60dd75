"""The file formats of ``ai-cost-policy scan`` beyond ``cli`` and ``json``.

One module per format, each with ``render(result) -> str``; ``report.FORMATS`` names
them. Every format carries each finding's own message (the model as written and
canonical, what to fix), never a resource's source block, and only the shown form
of a model (``CanonicalModel.shown``), so a sensitive value never leaves the scan.
The same input gives byte-identical output: no timestamps, no host names.
"""
