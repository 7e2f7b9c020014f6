"""The VBAzure port: its default, and a free port for callers that ask for free ports for the other two."""

import pytest
from veeam_simulator.cli import VBAZURE_PORT, parse_args


@pytest.mark.parametrize(("argv", "port"), [
    ([], VBAZURE_PORT),
    (["--vb365-port", "0", "--vbgc-port", "0"], 0),
    (["--vb365-port", "0"], VBAZURE_PORT),
    (["--vb365-port", "0", "--vbgc-port", "0", "--vbazure-port", "9443"], 9443),
    (["--vbazure-port", "0"], 0),
])
def test_vbazure_port(argv, port):
    assert parse_args(argv).vbazure_port == port

