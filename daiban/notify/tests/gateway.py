"""The SMS/WeChat gateway as a real HTTP peer on 127.0.0.1 (see daiban.lib.scripted_server)."""
from daiban.lib.scripted_server import ScriptedServer


class Gateway(ScriptedServer):
    path = "/send"
    error_text = "网关内部错误"
