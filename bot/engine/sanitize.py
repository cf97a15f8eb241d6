"""Matrix-safe HTML: only the tags Matrix allows, only https links, text escaped (pure)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from bot.engine.knowledge import ALLOWED_TAGS


class _Sanitizer(HTMLParser):
    """Keeps only the tags Matrix allows, and only https links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if not href.startswith("https://"):
                self.out.append("<a>")
                return
            self.out.append(f'<a href="{html.escape(href, quote=True)}">')
        elif tag == "br":
            self.out.append("<br/>")
        else:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in ALLOWED_TAGS and tag != "br":
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))


def _parsed(fragment: str) -> str:
    parser = _Sanitizer()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)


# The markup the templates and the entries write: plain tags, and double-quoted attributes. On
# such a fragment a regular expression gives the parser's output at a fifth of its cost (the
# parser was half of rendering an answer, `repere bench`, 3 December 2026); anything else (a
# comment, `<script>`, a stray `<`, an unquoted attribute) goes through the parser.
_TAG_OR_TEXT = re.compile(r"(<[^<>]*>)")
_PLAIN_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+="[^"<>]*")*)\s*(/?)>')
_HREF = re.compile(r'(?<!\S)href="([^"]*)"', re.IGNORECASE)
_RAW_TEXT_TAGS = frozenset({"script", "style"})


def _fast(fragment: str) -> str | None:
    out: list[str] = []
    for i, piece in enumerate(_TAG_OR_TEXT.split(fragment)):
        if i % 2 == 0:
            if "<" in piece or ">" in piece:
                return None
            if piece:
                out.append(html.escape(html.unescape(piece), quote=False))
            continue
        m = _PLAIN_TAG.fullmatch(piece)
        if m is None:
            return None
        closing, tag, attrs, self_closing = m.groups()
        tag = tag.lower()
        if tag in _RAW_TEXT_TAGS or (closing and (attrs or self_closing)):
            return None
        if tag not in ALLOWED_TAGS:
            continue
        if closing:
            if tag != "br":
                out.append(f"</{tag}>")
        elif tag == "a":
            hrefs = _HREF.findall(attrs)  # the parser keeps the last one
            url = html.unescape(hrefs[-1]) if hrefs else ""
            if url.startswith("https://"):
                out.append(f'<a href="{html.escape(url, quote=True)}">')
            else:
                out.append("<a>")
        elif tag == "br":
            out.append("<br/>")
        else:
            out.append(f"<{tag}>")
            if self_closing:
                out.append(f"</{tag}>")
    return "".join(out)


def sanitize_html(fragment: str) -> str:
    """Only the tags Matrix allows, only https links, text escaped."""
    fast = _fast(fragment)
    return _parsed(fragment) if fast is None else fast
