"""The SMS/WeChat gateway as a real HTTP peer on 127.0.0.1: the stand-in an operator runs too."""
from daiban.notify.fake_gateway import FakeGateway as Gateway

__all__ = ["Gateway"]
