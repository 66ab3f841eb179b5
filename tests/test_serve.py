"""`ceasefire serve`: the JSON API, its limits, one-line 4xx errors, loopback by default,
and schemathesis against its OpenAPI schema."""

from __future__ import annotations

import threading
import warnings
from typing import Any

import pytest
from typer.testing import CliRunner

import ceasefire as cf

pytest.importorskip("fastapi", reason="the serve extra is not installed")
pytest.importorskip("httpx", reason="httpx is needed by FastAPI's test client")

with warnings.catch_warnings():
    # Starlette 1.x suggests `httpx2` for its test client; httpx still works
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

from ceasefire.cli._app import app as cli_app
from ceasefire.report._server import Limits, create_app, is_loopback
from ceasefire.scenario._scenario import builtin_text

SCEN = "russia-ukraine-2024"
runner = CliRunner()


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Limits(max_paths=300)), base_url="http://127.0.0.1")


def _one_line_error(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}
    assert "\n" not in body["error"] and "Traceback" not in body["error"]
    return str(body["error"])


def test_scenarios(client: TestClient) -> None:
    r = client.get("/scenarios")
    assert r.status_code == 200
    assert {s["id"] for s in r.json()} == set(cf.builtin_ids())
    info = client.get(f"/scenarios/{SCEN}").json()
    spec = cf.load(SCEN).engine_spec  # the scenario's own numbers, whatever they are
    assert info["levers"]["sanctions"]["value"] == pytest.approx(spec.levers["sanctions"].value)
    assert info["parameters"]["punishment"]["value"] == pytest.approx(
        spec.parameters["punishment"].value
    )
    assert info["parameters"]["punishment"]["range"] == pytest.approx(
        list(spec.parameters["punishment"].range)
    )
    assert "no built-in scenario" in _one_line_error(client.get("/scenarios/nope"), 404)


@pytest.mark.slow
def test_run_is_the_cli_json(client: TestClient) -> None:
    r = client.post("/run", json={"scenario": SCEN, "paths": 80, "seed": 3})
    assert r.status_code == 200, r.text
    res = cf.analyze(cf.load(SCEN), paths=80, seed=3)
    from ceasefire._results import to_plain

    assert r.json() == to_plain(res.to_dict())


@pytest.mark.slow
def test_levers_and_parameters_change_the_answer(client: TestClient) -> None:
    base = client.post("/run", json={"scenario": SCEN, "paths": 60}).json()
    # a premise: a leader with less to lose from removal settles more easily (G_0 rises)
    light = client.post(
        "/run", json={"scenario": SCEN, "paths": 60, "parameters": {"punishment": 20.0}}
    ).json()
    assert light["ripeness"]["G"][0] > base["ripeness"]["G"][0] + 0.005
    # levers: realised paths reach the engine and move its answer (aid falling to 0.2 by
    # month 6 is what the Kremlin bets on: its value of fighting rises, G_0 falls)
    pushed = client.post(
        "/run",
        json={
            "scenario": SCEN,
            "paths": 60,
            "levers": {"sanctions": 1.0, "aid": [[0, 0.6], [6, 0.2]]},
        },
    ).json()
    assert pushed["ripeness"]["G"][0] < base["ripeness"]["G"][0] - 0.005
    assert pushed["levers"]["sanctions"][0] == 1.0
    assert pushed["levers"]["aid"][6] == pytest.approx(0.2)
    assert pushed["levers"]["aid"][3] == pytest.approx(0.4)


@pytest.mark.slow
def test_yaml_body(client: TestClient) -> None:
    text = builtin_text(SCEN).replace(f"id: {SCEN}", "id: my-copy", 1)
    r = client.post("/run", json={"yaml": text, "paths": 40})
    assert r.status_code == 200, r.text
    assert r.json()["scenario"] == "my-copy"


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"scenario": SCEN, "paths": 100_000}, 422, "paths"),
        ({"scenario": SCEN, "paths": 0}, 422, "paths"),
        ({"scenario": SCEN, "levers": {"nukes": 1}}, 422, "unknown lever"),
        ({"scenario": SCEN, "levers": {"sanctions": 2}}, 422, "less than or equal"),
        ({"scenario": SCEN, "levers": {"aid": [[5, 0.5], [1, 0.2]]}}, 422, "increase"),
        ({"scenario": SCEN, "parameters": {"punishment": -1}}, 422, "must lie in"),
        ({"scenario": SCEN, "parameters": {"no_such": 1}}, 422, "unknown parameter"),
        ({"scenario": SCEN, "yaml": "id: x"}, 422, "exactly one"),
        ({}, 422, "exactly one"),
        ({"scenario": "../../etc/passwd"}, 404, "no built-in scenario"),
        ({"scenario": SCEN, "extra": 1}, 422, "extra"),
        ({"yaml": "a: [unclosed"}, 422, "invalid YAML"),
        ({"yaml": "!include /etc/passwd"}, 422, ""),
        ({"yaml": "a: &x [1, 2]\nb: *x\n"}, 422, "anchors and aliases"),
    ],
)
def test_bad_requests_are_one_line_4xx(
    client: TestClient, body: dict[str, Any], status: int, words: str
) -> None:
    msg = _one_line_error(client.post("/run", json=body), status)
    assert words in msg
    assert "root:" not in msg


def test_malformed_json_is_4xx(client: TestClient) -> None:
    r = client.post("/run", content=b"{not json", headers={"content-type": "application/json"})
    _one_line_error(r, 422)


def test_body_over_the_limit_is_413() -> None:
    c = TestClient(create_app(Limits(max_body_bytes=1000)), base_url="http://127.0.0.1")
    r = c.post("/run", json={"yaml": "x" * 5000})
    assert "over the limit" in _one_line_error(r, 413)

    def chunks() -> Any:  # no Content-Length: the limit still holds
        for _ in range(10):
            yield b" " * 500

    r = c.post("/run", content=chunks(), headers={"content-type": "application/json"})
    _one_line_error(r, 413)


def test_yaml_over_the_limit_and_horizon_over_the_limit() -> None:
    c = TestClient(create_app(Limits(max_yaml_chars=100)), base_url="http://127.0.0.1")
    assert "yaml over" in _one_line_error(c.post("/run", json={"yaml": "#" * 200}), 413)
    c = TestClient(create_app(Limits(max_months=12)), base_url="http://127.0.0.1")
    text = builtin_text(SCEN)
    assert "months" in _one_line_error(c.post("/run", json={"yaml": text, "paths": 20}), 422)


def test_run_time_limit_and_busy() -> None:
    c = TestClient(create_app(Limits(max_seconds=0.01)), base_url="http://127.0.0.1")
    msg = _one_line_error(c.post("/run", json={"scenario": SCEN, "paths": 200}), 422)
    assert "longer than" in msg
    busy = TestClient(create_app(Limits(max_concurrent=0)), base_url="http://127.0.0.1")
    _one_line_error(busy.post("/run", json={"scenario": SCEN, "paths": 20}), 429)
    # the timed-out run goes on in its thread: let it end here, not during the
    # interpreter's exit (native code running while the process tears down)
    for t in threading.enumerate():
        if t.name == "ceasefire-run":
            t.join(timeout=120)


@pytest.mark.slow
def test_other_host_headers_are_refused_on_loopback() -> None:
    c = TestClient(create_app(), base_url="http://127.0.0.1")
    assert c.get("/scenarios").status_code == 200
    assert c.get("/scenarios", headers={"host": "evil.example"}).status_code == 400
    exposed = TestClient(create_app(allowed_hosts=["*"]), base_url="http://10.0.0.5")
    assert exposed.get("/scenarios").status_code == 200


def test_page_and_assets(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "input" not in r.text[:0]
    assert "/assets/vega.js" in r.text and "200 Monte Carlo paths" in r.text
    js = client.get("/assets/vega.js")
    assert js.status_code == 200 and "vegaEmbed" in js.text


def test_is_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    assert not is_loopback("example.com")


def test_cli_serve_loopback_by_default_warns_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    r = runner.invoke(cli_app, ["serve"])
    assert r.exit_code == 0, r.output
    assert calls[-1]["host"] == "127.0.0.1" and "warning" not in r.output
    r = runner.invoke(cli_app, ["serve", "--host", "0.0.0.0", "--port", "8123"])
    assert r.exit_code == 0
    assert calls[-1]["host"] == "0.0.0.0" and calls[-1]["port"] == 8123
    assert "warning" in r.output and "no authentication" in r.output


@pytest.mark.slow
def test_openapi_schema_with_schemathesis() -> None:
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    app = create_app(
        Limits(max_paths=8, max_months=36, max_seconds=20),
        allowed_hosts=["testserver", "127.0.0.1"],
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.config.update(base_url="http://127.0.0.1")
    from schemathesis.config._checks import PositiveDataAcceptanceConfig

    # A request the schema allows may still be refused for what the schema cannot say (a
    # YAML text that is not a scenario, knots out of order, a run over the time limit):
    # the API documents those as 413/422 with a one-line error.
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=["2xx", "404", "413", "422", "429"]
    )
    failures: list[str] = []

    def make_check(operation: Any) -> Any:
        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: Any) -> None:
            response = case.call(base_url="http://127.0.0.1")
            try:
                case.validate_response(response)
            except Exception as exc:  # collect, report all at the end
                failures.append(f"{operation.label}: {str(exc).splitlines()[0]}")
            assert response.status_code < 500, (operation.label, response.text[:200])

        return check

    ops = [op.ok() for op in schema.get_all_operations()]
    assert {op.label for op in ops} >= {"GET /scenarios", "POST /run"}
    for operation in ops:
        make_check(operation)()
    assert failures == []
