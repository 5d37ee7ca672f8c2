"""The official .docx forms of the agency service, built with python-docx from plain data (see data.py).

Each form module is one pure function from its dataclass to the bytes of a .docx file; layout.py holds the
shared official layout and read_text, which tests use to read a file back."""
