from prometheus_client.parser import text_string_to_metric_families


def _samples(text: str) -> list:
    return [s for family in text_string_to_metric_families(text) for s in family.samples]


async def test_metrics_count_requests_by_route_template_and_status(client, tenant):
    await client.get("/api/v1/factories")
    await client.get(f"/api/v1/devices/{987654}", headers=tenant.headers)
    await client.get("/api/v1/no-such-route")
    r = await client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    samples = _samples(r.text)
    requests = {(s.labels["route"], s.labels["status"]): s.value for s in samples
                if s.name == "factoryops_http_requests_total"}
    assert requests[("/api/v1/factories", "200")] >= 1
    # Per template, not per id: the URL's device id does not become a label.
    assert requests[("/api/v1/devices/{device_id}", "404")] >= 1
    assert requests[("unmatched", "404")] >= 1
    assert any(s.name == "factoryops_http_request_duration_seconds_count" for s in samples)


async def test_metrics_report_the_database_pool(client):
    await client.get("/api/v1/factories")
    names = {s.name for s in _samples((await client.get("/metrics")).text)}
    assert {"factoryops_db_pool_size", "factoryops_db_pool_checked_out"} <= names
