"""The provincial platform as a real HTTP peer on 127.0.0.1 (see daiban.lib.scripted_server)."""
from daiban.lib.scripted_server import ScriptedServer


class Platform(ScriptedServer):
    path = "/api/daiban/events"
    error_text = "平台内部错误"

    @property
    def received(self) -> list[dict]:
        return self.requests

    def attempts(self) -> list[str]:
        return self.message_ids()
