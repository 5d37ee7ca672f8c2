"""The provincial platform as a real HTTP peer on 127.0.0.1: the stand-in an operator runs too."""
from daiban.provincial.fake_platform import FakePlatform as Platform

__all__ = ["Platform"]
