"""Fuzz the JSON API from its own OpenAPI schema (schemathesis): whatever a client sends, no 500, and
every answer has the shape that the schema declares."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance
from web_store import build_store

from vestnik.store.database import Store
from vestnik.web.app import WebSettings, create_app
from vestnik.web.workers import AnalysisPool

EXAMPLES_PER_OPERATION = 25
ANSWER_SECONDS = 90
"""The first analysis starts the pool's worker, which loads the models (seconds, more on a loaded machine): past
the pool's own 60-second limit, not the client's default 10."""


@pytest.fixture(scope="module")
def web_schema(tmp_path_factory):
    pool = AnalysisPool("default")
    app = create_app(Store.open(build_store(tmp_path_factory.mktemp("fuzz"))), WebSettings(max_body=20_000), pool)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    pool.close()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors(web_schema, mode):
    """Positive cases follow the schema; negative ones break it (offsets past 2**63, wrong types, missing
    fields, strings where numbers go): both get an answer, never a 500."""
    operations = [result.ok() for result in web_schema.get_all_operations()]
    assert len(operations) >= 10
    if mode is GenerationMode.NEGATIVE:
        # an operation whose only input is a path string takes every string: nothing to break
        operations = [operation for operation in operations
                      if any(operation.query) or any(operation.headers) or any(operation.body)]
        assert len(operations) >= 8
    calls: list[tuple[str, str, int]] = []
    for operation in operations:
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call(timeout=ANSWER_SECONDS)
            calls.append((case.method, case.path, response.status_code))
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
            if response.status_code >= 400:
                assert "error" in response.json()  # a message, never a stack trace
            elif mode is GenerationMode.POSITIVE:  # an answer has the shape its response model declares
                case.validate_response(response, checks=[response_schema_conformance])

        check()
    tried = {(method, path) for method, path, _ in calls}
    assert len(tried) == len(operations), sorted(tried)
