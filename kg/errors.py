"""Errors that cross a stage boundary: one root, one subclass per boundary.

Messages are one line naming the file (or rule, or query) and the problem.
"""


class KgError(Exception):
    """Root of every error newskg raises on purpose."""


class ArticleError(KgError):
    """An input article cannot be read: missing, empty, binary, not UTF-8, too large."""


class RuleFileError(KgError):
    """A rule or gazetteer file is malformed; raised before any article is read."""


class GraphError(KgError):
    """A built graph cannot be written, read or validated."""


class QueryError(KgError):
    """A SPARQL query is malformed or cannot be run."""


class EvaluationError(KgError):
    """A gold annotation or a graph to score cannot be read."""
