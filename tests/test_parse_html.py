"""HTML inputs: blockquote-nested attachments and the HTML-to-text conversion."""

from __future__ import annotations

from pathlib import Path

from kg.model import Provenance
from kg.parse import is_html, parse_page
from kg.parse.page_html import html_to_text

DATA = Path(__file__).parent / "data" / "parse"


def test_blockquote_attachment_becomes_three_messages() -> None:
    text = (DATA / "attachment_blockquote.html").read_text(encoding="utf-8")
    assert is_html(text)
    kofi, maria, jan = parse_page(text, Provenance("attachment", "hyperkitty-attachment")).messages
    assert kofi.author.name == "Kofi Mensah"  # no header block: named by the sign-off
    assert "review & the timeline" in kofi.text
    assert (maria.author.name, maria.author.address) == ("Maria Lopez", "maria@example.org")
    assert "consultation closes on Friday" in maria.text and "circulate the draft" not in maria.text
    assert jan.author.name == "Jan de Vries" and "circulate the draft" in jan.text
    assert kofi.parent_id == maria.id and maria.parent_id == jan.id and jan.parent_id is None


def test_html_to_text_nesting_and_entities() -> None:
    out = html_to_text("<div>a<blockquote>b<blockquote>c</blockquote></blockquote>d &amp; e&nbsp;f</div>")
    assert out.split("\n") == ["a", "> b", "> > c", ">>", "d & e f"]


def test_deeply_nested_blockquotes_do_not_recurse() -> None:
    depth = 3000
    text = "<html><body>" + "<blockquote>x" * depth + "</blockquote>" * depth + "</body></html>"
    result = parse_page(text, Provenance("deep", "hyperkitty-attachment"))
    assert result.messages or result.problems


def test_script_and_images_are_dropped() -> None:
    out = html_to_text('<p>Hi<script>alert(1)</script><img src="http://127.0.0.1/pixel"></p>')
    assert out.strip() == "Hi"
