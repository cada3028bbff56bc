"""A browserless app session: drive a running Streamlit server through its own websocket protocol.

What the browser does, minus drawing: open ``/_stcore/stream``, send a ``BackMsg`` asking to run a page
(``rerun_script`` with the page's URL path), and read ``ForwardMsg`` protobufs until ``script_finished``.
The server cannot tell it from a browser: the page's script runs in a real session of the real server,
with its caches and its store. Used by the two-server test and the load benchmark (a Chromium per
session is too heavy for 20 sessions on 2 cores); the map iframes' HTML arrives in the messages but no
JavaScript runs.

Examples
--------
>>> with Session("http://127.0.0.1:8501") as session:  # doctest: +SKIP
...     run = session.run("data-and-sources")
...     run.seconds, run.errors, [t for t in run.texts if t.startswith("Store built")]
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

#: Elements whose text a run collects (what a reader sees: titles, paragraphs, captions, messages).
TEXT_ELEMENTS = ("markdown", "heading", "alert", "text", "code")  # captions are markdown
ERROR_ALERT = 1  # Alert.Format.ERROR


@dataclass
class Run:
    """One run of a page: how long the server took, what it showed, and what went wrong."""
    page: str
    seconds: float
    texts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # exceptions and error messages the page showed
    elements: int = 0
    status: str = ""


class Session:
    """One app session on a running server (one websocket, as one browser tab)."""

    def __init__(self, base_url: str, timeout: float = 120.0):
        self.timeout = timeout
        self.ws = connect(base_url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream",
                          subprotocols=["streamlit"], max_size=None, open_timeout=timeout)

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.ws.close()

    def run(self, page: str = "", query: str = "") -> Run:
        """Run a page (its URL path, ``""`` for the default) and wait until the script finishes.

        ``seconds`` is the server's response time: from the request to the ``script_finished`` message.
        """
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        started = time.perf_counter()
        self.ws.send(msg.SerializeToString())
        run = Run(page, 0.0)
        deadline = started + self.timeout
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(self.ws.recv(timeout=max(0.1, deadline - time.perf_counter())))
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                self._collect(run, forward.delta.new_element)
            elif kind == "script_finished":
                run.seconds = time.perf_counter() - started
                run.status = ForwardMsg.ScriptFinishedStatus.Name(forward.script_finished)
                if forward.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    run.errors.append("the page's script did not compile")
                return run

    @staticmethod
    def _collect(run: Run, element) -> None:
        run.elements += 1
        kind = element.WhichOneof("type")
        if kind == "exception":
            run.errors.append(f"{element.exception.type}: {element.exception.message}"[:300])
        elif kind in TEXT_ELEMENTS:
            body = getattr(element, kind)
            text = getattr(body, "body", "")
            run.texts.append(text)
            if kind == "alert" and body.format == ERROR_ALERT:
                run.errors.append(text[:300])
