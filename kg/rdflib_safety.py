"""Process-wide switches that keep rdflib's SPARQL engine off the network and the disk (security.md D1, D2)."""

import rdflib.plugins.sparql as rdflib_sparql
from rdflib.plugins.sparql import CUSTOM_EVALS

# FROM / FROM NAMED / LOAD would fetch URLs and read local files; pyshacl's sh:sparql and any
# rdflib query in this process go through this engine.
rdflib_sparql.SPARQL_LOAD_GRAPHS = False


def deny_service(ctx, part):
    """rdflib custom evaluation hook: refuse SERVICE (federated query), evaluate everything else."""
    if part.name == "ServiceGraphPattern":
        raise PermissionError("SPARQL SERVICE is disabled in igkg")
    raise NotImplementedError  # rdflib's signal to evaluate the part itself


CUSTOM_EVALS["igkg_deny_service"] = deny_service
