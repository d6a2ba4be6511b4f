"""A KSeF 2.0 emulator (`python -m invoicehub.emulator.ksef`, port 8310): the official `/v2` paths
of docs/open-api.json for token authentication, online and batch sessions, statuses and UPO, plus a
control API under `/__emulator/`. State lives in memory; one process is one KSeF.
"""
