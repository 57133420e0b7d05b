"""Who sent the form in an inline-forwarded e-mail: the quoted original sender.

Office staff often forward a referral to the service inbox instead of exporting
the original mail. The form is then attached to the office's mail, and the body
quotes the original header block ("From:", "Saatja:", "От:" …). The person named
there sent the form, not the office.

A mail counts as a forward when its subject starts with a forward prefix (Fwd:,
Edasi: …) or its body has a forward separator line ("---------- Forwarded
message ---------", "-----Algsõnum-----" …), but never when the subject starts
with a reply prefix: Outlook quotes the replied-to mail with the same separator.

Only the first `MAX_TEXT` characters of the body are looked at, with plain
string operations (no regular expressions), so a hostile body costs linear time.
"""

from __future__ import annotations

import html

MAX_TEXT = 64 * 1024
MAX_RAW = 4 * MAX_TEXT  # body bytes/characters decoded (or HTML converted) before the cut
_MAX_LINE = 1000  # a quoted header line longer than this is not a header

_FORWARD_PREFIXES = frozenset({"fwd", "fw", "vl", "edasi", "edastatud", "пересл", "tr"})
# "Vs:" is a reply in Estonian and Finnish Outlook ("vastus", "vastaus"), not a forward.
_REPLY_PREFIXES = frozenset({"re", "aw", "sv", "vs", "vastus", "ответ"})
_SEPARATORS = frozenset({
    "forwarded message",  # Gmail, Thunderbird
    "original message",  # Outlook
    "algsõnum", "algne sõnum",  # Outlook (et)
    "edastatud kiri", "edastatud sõnum",  # Thunderbird, Gmail (et)
    "исходное сообщение", "пересылаемое сообщение", "пересланное сообщение",
    "перенаправленное сообщение",  # Outlook, Gmail, Thunderbird (ru)
    "begin forwarded message",  # Apple Mail
})
_FROM_KEYS = frozenset({"from", "saatja", "от", "von", "de", "fra", "från", "lähettäjä"})

_BLOCK_TAGS = frozenset({
    "br", "p", "div", "tr", "li", "hr", "table", "blockquote", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6",
})
_SKIP_TAGS = frozenset({"script", "style", "title", "head"})
_ADDRESS_DELIMITERS = str.maketrans({c: " " for c in "<>[]()\"',;"})
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&*+-/=?^_`{|}~")
_DOMAIN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")


def _prefix(subject: str) -> str:
    head, colon, _ = subject.strip()[:20].partition(":")
    return head.strip().casefold() if colon else ""


def _is_separator(line: str) -> bool:
    s = line.strip()
    core = s.strip("-_ ").rstrip(":").strip().casefold()
    return core in _SEPARATORS and (s.startswith("-") or core == "begin forwarded message")


def _header_value(line: str) -> str | None:
    """The value of a quoted `From:`-like header line, else None."""
    s = line.lstrip("> \t").lstrip("*")
    key, colon, value = s[:_MAX_LINE].partition(":")
    if not colon or key.strip().strip("*").strip().casefold() not in _FROM_KEYS:
        return None
    return value.strip().strip("*").strip()


def _valid(candidate: str) -> str | None:
    addr = candidate.strip().casefold()
    if addr.startswith("mailto:"):
        addr = addr[len("mailto:"):]
    addr = addr.rstrip(".:")
    local, at, domain = addr.partition("@")
    if (not at or not local or len(addr) > 254 or "." not in domain.strip(".")
            or not set(local) <= _LOCAL_CHARS or not set(domain) <= _DOMAIN_CHARS):
        return None
    return addr


def address_in(value: str) -> str | None:
    """The first e-mail address in a header value: `Name <a@b>`, `Name [mailto:a@b]`, `a@b`."""
    value = value[:_MAX_LINE]
    start = value.find("<")
    while start != -1:  # an address in angle brackets wins over one in the display name
        end = value.find(">", start)
        if end == -1:
            break
        if addr := _valid(value[start + 1 : end]):
            return addr
        start = value.find("<", end)
    for token in value.translate(_ADDRESS_DELIMITERS).split():
        if addr := _valid(token):
            return addr
    return None


def html_to_text(markup: str) -> str:
    """Visible text of (the start of) an HTML body, one line per block; mailto links kept."""
    markup = markup[:MAX_RAW]
    lower = markup.lower()
    out: list[str] = []
    i, n = 0, len(markup)
    mailto: list[str] = []
    anchor_start = 0
    while i < n:
        lt = markup.find("<", i)
        if lt == -1:
            out.append(markup[i:])
            break
        out.append(markup[i:lt])
        if markup.startswith("<!--", lt):
            end = markup.find("-->", lt + 4)
            i = n if end == -1 else end + 3
            continue
        gt = markup.find(">", lt)
        if gt == -1:
            break
        tag = lower[lt + 1 : gt]
        name = tag.lstrip("/").split(None, 1)[0].rstrip("/") if tag.strip("/ ") else ""
        i = gt + 1
        if name in _SKIP_TAGS and not tag.startswith("/"):
            end = lower.find("</" + name, i)
            i = n if end == -1 else end
        elif name in _BLOCK_TAGS:
            out.append("\n")
        elif name == "a" and not tag.startswith("/"):
            at = tag.find("mailto:")
            href = tag[at + len("mailto:") :] if at != -1 else ""
            mailto = href.translate(_ADDRESS_DELIMITERS).split("?")[0].split()[:1]
            anchor_start = len(out)
        elif name == "a" and mailto:
            if "@" not in "".join(out[anchor_start:]):  # `<a href="mailto:…">Name</a>`
                out.append(f" <{mailto[0]}>")
            mailto = []
    return html.unescape("".join(out))


def original_sender(subject: str | None, body: str, *, is_html: bool = False) -> str | None:
    """The quoted original sender of an inline forward, or None (not a forward, none found)."""
    prefix = _prefix(subject or "")
    if prefix in _REPLY_PREFIXES:
        return None
    text = html_to_text(body) if is_html else body[:MAX_RAW]
    lines = text[:MAX_TEXT].splitlines()
    start = next((n + 1 for n, line in enumerate(lines) if _is_separator(line)), None)
    if start is None:
        if prefix not in _FORWARD_PREFIXES:
            return None
        start = 0
    for line in lines[start:]:
        value = _header_value(line)
        if value is not None:
            return address_in(value)  # the first quoted sender only: later ones are older
    return None
