"""SOAP 1.1 plumbing shared by the EU EOS services: envelopes, safe parsing, and faults.

Answers are parsed with defusedxml and a DTD is refused (SOAP forbids one: a DTD in an answer is
hostile or broken). A SOAP Fault travels with HTTP 500, so :func:`call` lets the shared policy hand
such an answer over instead of retrying it; any other 500 keeps the policy's retries. Elements are
matched by local name, because the live services mix qualified and bare names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

import defusedxml
import defusedxml.ElementTree as SafeElementTree

from credverify.errors import LayoutChanged, RegistryUnavailable

if TYPE_CHECKING:
    from credverify.adapters.base import Adapter
    from credverify.adapters.http import Exchange

__all__ = ["BUSY_CODES", "SOAP_ENV", "body_of", "call", "child", "envelope", "layout", "text"]

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XML_MEDIA_TYPES = frozenset({"text/xml", "application/xml", "application/soap+xml"})
# The EU services' "busy" codes (as in VIES): they say nothing about the number asked.
BUSY_CODES = (
    "MS_UNAVAILABLE",
    "MS_MAX_CONCURRENT_REQ",
    "GLOBAL_MAX_CONCURRENT_REQ",
    "SERVICE_UNAVAILABLE",
    "TIMEOUT",
)


def envelope(prefix: str, namespace: str, operation_xml: str) -> bytes:
    """A SOAP 1.1 request whose body is ``operation_xml`` (already escaped by the caller)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" xmlns:{prefix}="{namespace}">'
        f"<soapenv:Header/><soapenv:Body>{operation_xml}</soapenv:Body></soapenv:Envelope>"
    ).encode()


def _fault_answer(status: int, body: bytes) -> bool:
    return status == 500 and b"Fault" in body


async def call(adapter: Adapter, url: str, request: bytes) -> Exchange:
    """POST a SOAP request through the shared policy; a SOAP Fault comes back, not retried."""
    return await adapter.http.request(
        adapter,
        "POST",
        url,
        content=request,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        accept_if=_fault_answer,
    )


def body_of(exchange: Exchange) -> Element:
    """The SOAP Body of an answer. A Fault raises RegistryUnavailable naming it; a body that is
    not SOAP XML raises LayoutChanged."""
    if exchange.media_type not in XML_MEDIA_TYPES:
        raise layout(exchange, f"expected SOAP XML, got {exchange.media_type or 'no media type'}")
    try:
        root: Element = SafeElementTree.fromstring(exchange.body, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise layout(
            exchange, f"the answer carries a DTD or XML entities, refused ({exc})"
        ) from None
    except SafeElementTree.ParseError as exc:
        raise layout(exchange, f"the answer is not well-formed XML ({exc})") from None
    body = child(root, "Body") if _local(root.tag) == "Envelope" else None
    if body is None:
        raise layout(exchange, "the answer is not a SOAP envelope with a Body")
    fault = child(body, "Fault")
    if fault is not None:
        raise RegistryUnavailable(_fault_message(fault), evidence=(exchange.evidence,))
    return body


def _fault_message(fault: Element) -> str:
    reason = _deep_text(fault, "faultstring") or _deep_text(fault, "Text") or "no reason"
    code = _deep_text(fault, "faultcode") or _deep_text(fault, "Value")
    message = f"SOAP fault: {reason}" + (f" (faultcode {code})" if code else "")
    busy = next((c for c in BUSY_CODES if c in reason.upper()), None)
    if busy is not None:
        message += f"; the service is busy ({busy}), which says nothing about the query"
    return message


def layout(exchange: Exchange, what: str) -> LayoutChanged:
    return LayoutChanged(f"layout changed: {what}", evidence=(exchange.evidence,))


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def child(parent: Element | None, name: str) -> Element | None:
    """The first child of ``parent`` with this local name."""
    children = parent if parent is not None else ()
    return next((c for c in children if _local(c.tag) == name), None)


def children(parent: Element, name: str) -> list[Element]:
    return [c for c in parent if _local(c.tag) == name]


def text(parent: Element | None, name: str) -> str:
    """The whitespace-collapsed text of the child ``name``; empty when there is none."""
    found = child(parent, name)
    return " ".join((found.text or "").split()) if found is not None else ""


def _deep_text(parent: Element, name: str) -> str:
    found = next((e for e in parent.iter() if _local(e.tag) == name), None)
    return " ".join("".join(found.itertext()).split()) if found is not None else ""
