"""The JSON API and the pages, through FastAPI's test client, on a store of real articles."""

from __future__ import annotations

import threading

import pytest
from conftest import EXAMPLE
from fastapi.testclient import TestClient
from web_store import build_store

from vestnik.store.database import Store
from vestnik.web.app import WebSettings, create_app
from vestnik.web.workers import AnalysisPool, PoolSettings

EXAMPLE_ID = "652bee7b06541adfceececf0b4accb1f"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    return Store.open(build_store(tmp_path_factory.mktemp("web")))


@pytest.fixture(scope="module")
def pool():
    """One worker process for the module's apps (each would otherwise start its own)."""
    workers = AnalysisPool("default")
    yield workers
    workers.close()


@pytest.fixture(scope="module")
def client(store, pool) -> TestClient:
    return TestClient(create_app(store, WebSettings(max_body=50_000), pool), raise_server_exceptions=False)


def test_search_and_article(client):
    hits = client.get("/api/articles", params={"q": "Ryabkov"}).json()
    assert EXAMPLE_ID in [hit["article_id"] for hit in hits]
    article = client.get(f"/api/articles/{EXAMPLE_ID}").json()
    assert article["record"]["id"] == EXAMPLE_ID and article["version"] == 1 and len(article["record"]["quotes"]) == 12
    newest = client.get("/api/articles", params={"limit": 3}).json()
    assert [hit["published"] for hit in newest] == sorted((hit["published"] for hit in newest), reverse=True)


def test_entities_quotes_events_stories(client):
    ryabkov = client.get("/api/entities", params={"q": "Рябков"}).json()[0]  # the most mentioned first
    profile = client.get(f"/api/entities/{ryabkov['id']}").json()
    assert profile["per_day"] == [["2022-01-09", 4]] and len(profile["quotes"]) == 12
    assert any(other[0]["name"] == "НАТО" for other in profile["co_mentioned"])
    quotes = client.get("/api/quotes", params={"speaker": "Рябков", "q": "отстъпки"}).json()
    assert len(quotes) == 3 and all(quote["speaker"] == "Сергей Рябков" for quote in quotes)
    events = client.get("/api/events", params={"type": "CONSULT", "place": "Женева"}).json()
    assert events and events[0]["date"] == "2022-01-10"
    assert client.get("/api/events", params={"actor": "RUS", "from": "2022-01-01"}).json()
    plover = client.get("/api/events.plover")
    assert plover.status_code == 200 and plover.headers["content-type"].startswith("application/x-ndjson")
    assert '"event": "CONSULT"' in plover.text
    assert client.get("/api/stories").json()


def test_errors_are_json_messages(client):
    assert client.get("/api/articles/nope").json() == {"error": "no article 'nope' in the store"}
    response = client.get("/api/articles", params={"q": '"'})
    assert response.status_code == 400 and "no words" in response.json()["error"]
    response = client.get("/api/articles", params={"from": "yesterday"})
    assert response.status_code == 422 and "from" in response.json()["error"]
    response = client.get("/api/entities/nope")
    assert response.status_code == 404 and set(response.json()) == {"error"}
    assert client.get("/entities/nope", headers={"accept": "text/html"}).status_code == 404
    for query in ("*", '"'):  # the page answers a query as the API does, with the message in the page
        api, page = client.get("/api/articles", params={"q": query}), client.get("/", params={"q": query})
        assert api.status_code == page.status_code == 400 and "no words to search for" in page.text


def test_hostile_parameters_get_4xx_never_500(store, pool, client):
    for path in ("/api/articles", "/api/quotes", "/api/events"):
        response = client.get(path, params={"offset": 2**63})
        assert response.status_code == 422 and "offset" in response.json()["error"], path
    keyed = TestClient(create_app(store, WebSettings(api_key="s3cret"), pool), raise_server_exceptions=False)
    response = keyed.post("/api/articles", json={"text": "Тест."}, headers={"X-API-Key": "ключ".encode()})
    assert response.status_code == 401
    response = client.post("/api/analyze", content='{"text": "Рябков \\ud800 каза."}', headers={"content-type": "application/json"})
    assert response.status_code == 400 and "invalid Unicode" in response.json()["error"]


def test_body_limit(client):
    response = client.post("/api/analyze", json={"text": "а" * 60_000})
    assert response.status_code == 413 and "limit" in response.json()["error"]

    def chunks():  # no Content-Length: the limit holds while the body streams in
        for _ in range(30):
            yield b"x" * 4096
    response = client.post("/api/analyze", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_a_text_over_the_analysis_limit_is_a_json_422(store, pool):
    client = TestClient(create_app(store, WebSettings(max_chars=1_000), pool), raise_server_exceptions=False)
    response = client.post("/api/analyze", json={"text": "Рябков каза, че това е дълъг текст. " * 40})
    assert response.status_code == 422 and "over the analysis limit of 1,000" in response.json()["error"]


def test_urls_are_links_only_when_http_and_pages_run_no_script(client):
    hits = {hit["text"]: hit for hit in client.get("/api/articles", params={"q": "скриптова"}).json()}
    assert len(hits) == 2
    for hit in hits.values():
        response = client.get(f"/articles/{hit['article_id']}")
        assert "href=\"javascript" not in response.text.lower() and "href=\"data:" not in response.text.lower()
        assert "(not a web link)" in response.text
        assert "script-src 'none'" in response.headers["content-security-policy"]
    [hostile] = [hit for hit in client.get("/api/articles", params={"limit": 200}).json() if "alert" in hit["text"]]
    assert 'href="https://evil.example/x" rel="noopener noreferrer nofollow"' in client.get(f"/articles/{hostile['article_id']}").text


def test_api_documentation_loads_nothing_from_elsewhere(client):
    page = client.get("/docs").text
    assets = [part.split('"')[0] for part in page.split('src="')[1:]] + [part.split('"')[0] for part in page.split('href="')[1:]]
    assert assets and all(asset.startswith("/") for asset in assets), assets
    assert all(client.get(asset).status_code == 200 for asset in assets)
    assert "cdn" not in client.get("/redoc").text.lower()


def test_analyze_does_not_store(client, store):
    before = client.get("/api/articles", params={"limit": 200}).json()
    record = client.post("/api/analyze", json={"text": "Путин заяви, че Русия няма да отстъпи.", "published": "2022-01-01"}).json()
    assert record["quotes"][0]["speaker"]["name"] == "Путин" and record["events"][0]["type"] == "CONCEDE"
    assert client.get("/api/articles", params={"limit": 200}).json() == before
    assert client.post("/api/analyze", json={"text": "   "}).status_code == 422


def test_storing_needs_a_configured_key(store, pool):
    closed = TestClient(create_app(store, WebSettings(), pool))
    assert closed.post("/api/articles", json={"text": "Тест."}).status_code == 403
    opened = TestClient(create_app(store, WebSettings(api_key="s3cret"), pool))
    assert opened.post("/api/articles", json={"text": "Тест."}, headers={"X-API-Key": "wrong"}).status_code == 401
    response = opened.post("/api/articles", json={"text": "Зам.-министърът Сергей Рябков пристигна в Женева.",
                                                  "published": "2022-01-10"}, headers={"X-API-Key": "s3cret"})
    assert response.status_code == 201 and response.json()["status"] == "stored"
    assert opened.get(f"/api/articles/{response.json()['id']}").status_code == 200


def test_article_page_marks_entities_and_quotes(client):
    page = client.get(f"/articles/{EXAMPLE_ID}").text
    assert 'data-speaker="Сергей Рябков"' in page and 'class="entity entity-PER" href="/entities/PER-Sergei-Ryabkov"' in page
    assert "boilerplate lines removed" in page and "2022-01-12" in page


def test_untrusted_text_is_shown_as_text(client):
    [hit] = [hit for hit in client.get("/api/articles", params={"limit": 200}).json() if "alert" in hit["text"]]
    page = client.get(f"/articles/{hit['article_id']}").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;b&gt;тагове&lt;/b&gt;" in page
    search_page = client.get("/", params={"q": "<script>alert(1)</script> опасен"}).text
    assert "<script>alert(1)" not in search_page


def test_pages(client):
    for path in ("/", "/?q=Рябков&kind=quotes", "/?q=преговорите&kind=events", "/events?type=CONSULT", "/analyze",
                 "/entities/PER-Sergei-Ryabkov"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert "<svg" in client.get("/entities/PER-Sergei-Ryabkov").text
    page = client.post("/analyze", data={"text": "Рябков заяви, че преговорите в Женева ще са трудни.", "published": "2022-01-09"})
    assert page.status_code == 200 and 'data-speaker="Рябков"' in page.text and "not stored" in page.text


def test_analyses_beyond_the_workers_and_the_queue_get_503_with_retry_after(store):
    pool = AnalysisPool("fast", PoolSettings(workers=1, queue=0))
    try:
        with TestClient(create_app(store, WebSettings(), pool), raise_server_exceptions=False) as client:
            assert client.post("/api/analyze", json={"text": EXAMPLE_TEXT}).status_code == 200  # the worker is up
            answers: list = []

            def post():
                answers.append(client.post("/api/analyze", json={"text": EXAMPLE_TEXT * 25}))
            threads = [threading.Thread(target=post) for _ in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses[0] == 200 and statuses[-1] == 503, statuses
        for busy in (answer for answer in answers if answer.status_code == 503):
            assert int(busy.headers["retry-after"]) >= 1 and "try again in" in busy.json()["error"]
    finally:
        pool.close()


def test_an_analysis_past_the_time_limit_is_stopped_and_the_next_one_runs(store):
    pool = AnalysisPool("fast", PoolSettings(timeout=0.5))
    try:
        client = TestClient(create_app(store, WebSettings(), pool), raise_server_exceptions=False)
        slow = client.post("/api/analyze", json={"text": EXAMPLE_TEXT * 30})
        assert slow.status_code == 503 and "did not finish within 0.5 s" in slow.json()["error"]
        quick = client.post("/api/analyze", json={"text": "Рябков каза, че няма да има отстъпки."})
        assert quick.status_code == 200, quick.text
    finally:
        pool.close()
