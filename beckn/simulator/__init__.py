"""A BAP simulator and conformance checker: Emily's story of the DEG installation guide, played
against any BPP (`python -m beckn.simulator --help`, or the `sunbeckn-simulate` command).

A plain network client: it needs neither Django nor a database (only beckn.peers,
beckn.signing and libraries), so an installer can run it against their own deployment.
"""
