"""The one error tree of credverify.

Errors are split by what the caller should do: a *lookup* error means "this row failed, carry on";
an *abort* error means "stop the run" (bad configuration, a broken knowledge base). Leaves also
inherit the builtin that fits, so ``except ValueError`` keeps working for callers who know nothing
of credverify.

    CredverifyError
    ├── InputError (ValueError)                   bad input from the user: exit code 2
    │   ├── InvalidIdentifier                      an identifier fails its format
    │   │   ├── InvalidFormat                      wrong characters or shape
    │   │   ├── InvalidLength                      too short or too long
    │   │   ├── InvalidComponent                   a part (country, prefix, type) is not allowed
    │   │   └── InvalidChecksum                    the check digit does not match
    │   └── UnknownName (LookupError)              an unknown scheme, adapter, rule or activity
    ├── AbortError                                 stop the run
    │   ├── KnowledgeBaseError                     a registries/ file is malformed
    │   ├── ConfigurationError                     bad settings (base URL, store path...)
    │   └── StoreUnavailable                       the store is locked too long, or full
    ├── ReportIncomplete                           a report would miss rows: exit code 3
    └── LookupFailed                               this lookup failed; carry on with the next
        ├── RegistryUnavailable (ConnectionError)  connection refused, DNS, 5xx after retries
        ├── RegistryTimeout (TimeoutError)         connect or read timeout after retries
        ├── RateLimited                            429 past the retry budget
        ├── LayoutChanged (ValueError)             the response is not in the expected format
        │   └── UnknownWording                     a status, code or element it does not know
        ├── Refused                                the source cannot answer this query
        └── OfflineMiss                            offline and no cached evidence

Every leaf carries a default message, so ``raise InvalidChecksum()`` reads well.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AbortError",
    "ConfigurationError",
    "CredverifyError",
    "InputError",
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidIdentifier",
    "InvalidLength",
    "KnowledgeBaseError",
    "LayoutChanged",
    "LookupFailed",
    "OfflineMiss",
    "RateLimited",
    "Refused",
    "RegistryTimeout",
    "RegistryUnavailable",
    "ReportIncomplete",
    "StoreUnavailable",
    "UnknownName",
    "UnknownWording",
]


class CredverifyError(Exception):
    """The root of every error raised on purpose by credverify."""

    default_message = "credverify error"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class InputError(CredverifyError, ValueError):
    """The input is not what was expected; the message says what was."""

    default_message = "invalid input"


class InvalidIdentifier(InputError):
    """An identifier fails its format; no request is made for it."""

    default_message = "the identifier is not valid"


class InvalidFormat(InvalidIdentifier):
    default_message = "the identifier has the wrong characters or shape"


class InvalidLength(InvalidIdentifier):
    default_message = "the identifier has the wrong length"


class InvalidComponent(InvalidIdentifier):
    default_message = "a part of the identifier is not allowed"


class InvalidChecksum(InvalidIdentifier):
    default_message = "the identifier's check digit does not match"


class UnknownName(InputError, LookupError):
    """An unknown scheme, adapter, rule or activity, with a did-you-mean suggestion."""

    default_message = "unknown name"

    def __init__(self, kind: str, name: str, suggestions: list[str] | None = None) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = suggestions or []
        hint = f"; did you mean {' or '.join(repr(s) for s in self.suggestions)}?"
        super().__init__(f"unknown {kind} {name!r}" + (hint if self.suggestions else ""))


class AbortError(CredverifyError):
    """Stop the run: carrying on would give wrong answers for every row."""

    default_message = "cannot continue"


class KnowledgeBaseError(AbortError):
    """A file under registries/ is malformed; the message names the file, the key and a fix."""

    default_message = "the knowledge base is malformed"

    def __init__(self, message: str | None = None, *, path: str = "", key: str = "") -> None:
        self.path = path
        self.key = key
        super().__init__(message)


class ConfigurationError(AbortError):
    default_message = "the configuration is not valid"


class StoreUnavailable(AbortError):
    """The store cannot be written: another process holds its write lock past the busy timeout,
    or the disk is full. Nothing committed is lost; the message says which file and what to do."""

    default_message = "the credverify store cannot be written"


class ReportIncomplete(CredverifyError):
    """A batch report would not hold every input row: the run fails instead of reporting short."""

    default_message = "the report does not hold every input row"


class LookupFailed(CredverifyError):
    """One lookup failed; the check is ``unverifiable`` and the batch carries on.

    ``evidence`` keeps the exchanges that did happen (a 503 page, a SOAP fault), so a failed check
    still shows what the source sent.
    """

    default_message = "the registry lookup failed"

    def __init__(self, message: str | None = None, *, evidence: tuple[Any, ...] = ()) -> None:
        self.evidence = evidence
        super().__init__(message)


class RegistryUnavailable(LookupFailed, ConnectionError):
    default_message = "the registry is unavailable"


class RegistryTimeout(LookupFailed, TimeoutError):
    default_message = "the registry did not answer in time"


class RateLimited(LookupFailed):
    default_message = "the registry kept rate-limiting past the retry budget"


class LayoutChanged(LookupFailed, ValueError):
    default_message = "the registry answered in a format this adapter does not recognise"


class UnknownWording(LayoutChanged):
    """The source used a wording, code or element the adapter does not know: quoted, never
    guessed."""

    default_message = "the registry used a wording this adapter does not know"


class Refused(LookupFailed):
    """The source cannot answer this query (a GB EORI in the EU's EOS); no request was made."""

    default_message = "this source cannot answer the query"


class OfflineMiss(LookupFailed):
    default_message = "offline, and no cached evidence for this lookup"
