"""A malformed XML file loses only its damaged records: when the whole document cannot be
parsed, each record element is cut out of the bytes and read on its own, under the file's XML
declaration and namespace declarations, so that the well-formed ones are imported and a damaged
one is rejected with its byte offset (before, one bad byte refused every record of the file).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

from catalogue.errors import FormatError, MalformedXMLError, RecordError, UnsafeXMLError
from catalogue.record import Record

DocumentReader = Callable[[bytes, str], Iterator[Record | RecordError]]

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")
_NAMESPACE = re.compile(rb"""\sxmlns(?::[\w.-]+)?\s*=\s*(?:"[^"]*"|'[^']*')""")
# the start tag of a record element (MARCXML, OAI-PMH; PMB's <notice>)
_START = re.compile(rb"<((?:[\w.-]+:)?(?:record|notice))(?=[\s>/])")


def tolerant(read_document: DocumentReader) -> DocumentReader:
    """A reader of whole XML documents that, given a malformed one, reads its record elements
    one by one instead (each through `read_document` itself, which never recovers)."""

    @functools.wraps(read_document)
    def read(data: bytes, source: str = "") -> Iterator[Record | RecordError]:
        items = read_document(data, source)
        try:
            first = next(items)
        except StopIteration:
            return
        except MalformedXMLError as exc:
            yield from recover(data, lambda chunk: read_document(chunk, source), exc)
            return
        yield first
        yield from items

    return read


def recover(
    data: bytes, read: Callable[[bytes], Iterator[Record | RecordError]], error: FormatError
) -> Iterator[Record | RecordError]:
    """Records of a malformed document, record element by record element; `error` (the
    whole document's) is raised again when no record element can be found at all."""
    chunks = list(record_chunks(data))
    if not any(closed for _, _, closed in chunks):  # not one whole record: nothing to recover
        raise error
    declaration = _DECLARATION.match(data)
    head = declaration.group(0) if declaration else b""
    namespaces = b"".join(dict.fromkeys(_NAMESPACE.findall(data[: chunks[0][0]])))
    for position, (start, chunk, _) in enumerate(chunks, 1):
        wrapped = head + b"<recovered" + namespaces + b">" + chunk + b"</recovered>"
        try:
            items = list(read(wrapped))
        except UnsafeXMLError:
            raise
        except FormatError as exc:  # this record malformed too, or no record in it
            yield RecordError(
                f"notice XML illisible, les autres notices du fichier sont lues : {exc}",
                position=position,
                offset=start,
                chunk=chunk,
            )
            continue
        for item in items:
            if isinstance(item, RecordError):
                item.position, item.offset = position, start
            else:
                item.original.warnings.append(
                    "lue à part : le fichier XML est mal formé ailleurs "
                    "(read on its own: the XML file is malformed elsewhere)"
                )
            yield item


def record_chunks(data: bytes) -> Iterator[tuple[int, bytes, bool]]:
    """(offset, bytes, closed?) of each record element: from its start tag to its end tag, or to the
    next record's start tag when its end tag is damaged — so that a record that lost its end
    tag takes no neighbour with it. Records are the outermost kind met first (an OAI-PMH
    `<record>`, not the `<marc:record>` inside it)."""
    first = _START.search(data)
    if first is None:
        return
    name = first.group(1)
    starts = [m.start() for m in re.finditer(b"<" + re.escape(name) + rb"(?=[\s>/])", data)]
    end_tag = re.compile(b"</" + re.escape(name) + rb"\s*>")
    for start, stop in zip(starts, [*starts[1:], len(data)], strict=True):
        end = end_tag.search(data, start, stop)
        yield start, data[start : end.end() if end else stop], end is not None
