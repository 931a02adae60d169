"""Imported once by the worker pool's fork server: the KB and the compiled gazetteer, shared by every worker it forks."""

from kg.extractors.gazetteer import gazetteer_for

gazetteer_for()  # loads the KB too; workers forked afterwards start with both (copy-on-write)
