"""nginx and Apache configuration for the static site: 303 from each IRI to its file, by a lookup table."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# Keys written into a config file must not be able to end the string or start a new directive.
_PLAIN_KEY = re.compile(r"[^\s\"'\\$;{}#%\x00-\x1f\x7f]+")


def _entries(lookup: dict[str, str]) -> list[tuple[str, str]]:
    # Web servers match the decoded path, so the keys are decoded once; anything unusual is left to
    # `igkg serve`, which answers for every IRI (the count of such keys is written in the file).
    out = []
    for rest, stem in sorted(lookup.items()):
        key = unquote(rest)
        dots = any(seg in ("", ".", "..") for seg in key.split("/"))  # servers normalise these away
        if _PLAIN_KEY.fullmatch(key) and _PLAIN_KEY.fullmatch(stem) and not dots:
            out.append((key, stem))
    return out


def nginx_config(lookup: dict[str, str], base_iri: str) -> str:
    """An nginx snippet (to include inside `http { }`): maps plus a server block serving this folder."""
    prefix = urlsplit(base_iri).path or "/"
    entries = _entries(lookup)
    lines = [
        "# igkg static linked-data site for nginx: include this file inside http { }, then set root below.",
        "# GET /id/... answers 303 See Other to /page/....html, .ttl or .jsonld by the Accept header, with",
        "# Vary: Accept. nginx's map ignores q-values: text/html wins when named, then Turtle, then JSON-LD",
        "# (`igkg serve` does full negotiation, N-Triples and 406 as well).",
        f"# {len(lookup) - len(entries)} IRI(s) with unusual characters are left out of the map.",
        "map $http_accept $igkg_ext {",
        "    default .html;",
        '    "~*text/html" .html;',
        '    "~*application/xhtml\\+xml" .html;',
        '    "~*text/turtle" .ttl;',
        '    "~*application/ld\\+json" .jsonld;',
        "}",
        "map $uri $igkg_page {",
        '    default "";',
    ]
    lines += [f'    "{prefix}{key}" "/{stem}";' for key, stem in entries]
    lines += [
        "}",
        "server {",
        "    listen 127.0.0.1:8080;",
        "    root /srv/igkg-site;  # this folder",
        "    charset utf-8;",
        "    types { text/html html; text/turtle ttl; application/ld+json jsonld; application/n-quads nq; }",
        '    add_header Access-Control-Allow-Origin "*" always;',
        '    add_header X-Content-Type-Options "nosniff" always;',
        f"    location {prefix} {{",
        '        add_header Vary "Accept" always;',
        '        add_header Access-Control-Allow-Origin "*" always;',
        '        if ($igkg_page = "") { return 404; }',
        "        return 303 $igkg_page$igkg_ext;",
        "    }",
        "    location / { try_files $uri $uri/index.html =404; }",
        "}",
        "",
    ]
    return "\n".join(lines)


def apache_config(lookup: dict[str, str], base_iri: str) -> tuple[str, str]:
    """An Apache snippet (for a <VirtualHost>, needs mod_rewrite and mod_headers) and its RewriteMap file."""
    prefix = urlsplit(base_iri).path or "/"
    entries = _entries(lookup)
    rule = f"^{re.escape(prefix)}(.+)$"
    conf = [
        "# igkg static linked-data site for Apache httpd: include inside <VirtualHost>; DocumentRoot is this folder.",
        "# GET /id/... answers 303 See Other to the page, Turtle or JSON-LD file by the Accept header (no q-values;",
        "# `igkg serve` does full negotiation). The map file is apache-map.txt beside this one.",
        f"# {len(lookup) - len(entries)} IRI(s) with unusual characters are left out of the map.",
        'DocumentRoot "/srv/igkg-site"',
        "AddType text/turtle .ttl",
        "AddType application/ld+json .jsonld",
        "AddType application/n-quads .nq",
        "AddDefaultCharset utf-8",
        'Header always set Access-Control-Allow-Origin "*"',
        'Header always set X-Content-Type-Options "nosniff"',
        "RewriteEngine On",
        'RewriteMap igkg "txt:/srv/igkg-site/apache-map.txt"',
        f'<LocationMatch "^{re.escape(prefix)}">',
        '    Header always merge Vary "Accept"',
        "</LocationMatch>",
        "RewriteCond %{HTTP_ACCEPT} text/turtle",
        "RewriteCond %{HTTP_ACCEPT} !text/html",
        "RewriteCond ${igkg:$1|NONE} !=NONE",
        f"RewriteRule {rule} /${{igkg:$1}}.ttl [R=303,L]",
        "RewriteCond %{HTTP_ACCEPT} application/ld\\+json",
        "RewriteCond %{HTTP_ACCEPT} !text/html",
        "RewriteCond ${igkg:$1|NONE} !=NONE",
        f"RewriteRule {rule} /${{igkg:$1}}.jsonld [R=303,L]",
        "RewriteCond ${igkg:$1|NONE} !=NONE",
        f"RewriteRule {rule} /${{igkg:$1}}.html [R=303,L]",
        f"RewriteRule {rule} - [R=404,L]",
        "",
    ]
    rewrite_map = "".join(f"{key} {stem}\n" for key, stem in entries)
    return "\n".join(conf), rewrite_map
