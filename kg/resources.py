"""Where the project's data folders (ontology/, shapes/, queries/) are, for the code that reads them."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
KB_DIR = ONTOLOGY_DIR / "kb"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
