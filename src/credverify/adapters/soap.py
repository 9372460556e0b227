"""SOAP 1.1 plumbing shared by the EU EOS services: envelopes, safe parsing, faults, elements.

Answers are parsed with defusedxml and a DTD is refused (SOAP forbids one: a DTD in an answer is
hostile or broken). A SOAP Fault travels with HTTP 500, so :func:`request` lets the shared policy
hand such an answer over instead of retrying it; any other 500 keeps the policy's retries.
Elements are matched by local name, because the live services mix qualified and bare names, and
:func:`elements` reads a parent's children through a closed :class:`Vocabulary` of element names,
so an element the adapter does not know is quoted, never skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

import defusedxml
import defusedxml.ElementTree as SafeElementTree

from credverify.adapters.base import Request, Vocabulary
from credverify.adapters.text import clean
from credverify.errors import RegistryUnavailable

if TYPE_CHECKING:
    from credverify.adapters.base import Adapter
    from credverify.adapters.http import Exchange

__all__ = ["BUSY_CODES", "SOAP_ENV", "body_of", "child", "elements", "envelope", "request", "value"]

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XML_MEDIA_TYPES = frozenset({"text/xml", "application/xml", "application/soap+xml"})
BUSY_CODES = Vocabulary(
    "EU service busy code",
    dict.fromkeys(
        (
            "MS_UNAVAILABLE",
            "MS_MAX_CONCURRENT_REQ",
            "GLOBAL_MAX_CONCURRENT_REQ",
            "SERVICE_UNAVAILABLE",
            "TIMEOUT",
        ),
        True,
    ),
)
"""The EU services' "busy" codes (as in VIES): they say nothing about the number asked."""


def envelope(prefix: str, namespace: str, operation_xml: str) -> bytes:
    """A SOAP 1.1 request whose body is ``operation_xml`` (already escaped by the caller)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" xmlns:{prefix}="{namespace}">'
        f"<soapenv:Header/><soapenv:Body>{operation_xml}</soapenv:Body></soapenv:Envelope>"
    ).encode()


def _fault_answer(status: int, body: bytes) -> bool:
    return status == 500 and b"Fault" in body


def request(path: str, body: bytes) -> Request:
    """A SOAP POST; a SOAP Fault with HTTP 500 is handed over to be read, not retried (a Client
    fault would repeat identically, and a busy fault is the service shedding load)."""
    return Request(
        path,
        method="POST",
        content=body,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        accept_if=_fault_answer,
    )


def body_of(adapter: Adapter, exchange: Exchange) -> Element:
    """The SOAP Body of an answer. A Fault raises RegistryUnavailable naming it; a body that is
    not SOAP XML is a changed layout."""
    if exchange.media_type not in XML_MEDIA_TYPES:
        got = exchange.media_type or "no media type"
        raise adapter.layout_changed(exchange, f"sent {got}, expected SOAP XML")
    try:
        root: Element = SafeElementTree.fromstring(exchange.body, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise adapter.layout_changed(
            exchange, f"sent a DTD or XML entities, refused ({exc})"
        ) from None
    except SafeElementTree.ParseError as exc:
        raise adapter.layout_changed(
            exchange, f"sent XML that is not well-formed ({exc})"
        ) from None
    body = child(root, "Body") if _local(root.tag) == "Envelope" else None
    if body is None:
        raise adapter.layout_changed(exchange, "sent no SOAP envelope with a Body")
    fault = child(body, "Fault")
    if fault is not None:
        raise RegistryUnavailable(_fault_message(fault), evidence=(exchange.evidence,))
    return body


def _fault_message(fault: Element) -> str:
    reason = _deep_text(fault, "faultstring") or _deep_text(fault, "Text") or "no reason"
    code = _deep_text(fault, "faultcode") or _deep_text(fault, "Value")
    message = f"SOAP fault: {reason}" + (f" (faultcode {code})" if code else "")
    if reason in BUSY_CODES:
        message += f"; the service is busy ({reason}), which says nothing about the query"
    return message


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def child(parent: Element | None, name: str) -> Element | None:
    """The first child of ``parent`` with this local name."""
    children = parent if parent is not None else ()
    return next((c for c in children if _local(c.tag) == name), None)


def elements(parent: Element, names: Vocabulary[str]) -> list[tuple[str, Element]]:
    """Every child of ``parent`` as (its meaning in ``names``, the element), in document order.
    A child whose name is not in ``names`` raises UnknownWording quoting it."""
    return [(names(_local(c.tag)), c) for c in parent if isinstance(c.tag, str)]


def value(element: Element) -> str:
    """An element's whole text, whitespace collapsed."""
    return clean("".join(element.itertext()))


def _deep_text(parent: Element, name: str) -> str:
    found = next((e for e in parent.iter() if _local(e.tag) == name), None)
    return value(found) if found is not None else ""
