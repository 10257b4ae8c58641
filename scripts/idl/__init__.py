"""The interface compiler behind scripts/idlgen.py (docs/interfaces.md):
the IDL language (parser.py: the ABI's limits, the model, the lexer and the
parser) and the C it becomes (cgen.py: client stubs and server
dispatchers).  Python 3 standard library only.
"""
