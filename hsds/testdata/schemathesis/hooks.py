# Hooks of the schemathesis run against Snodo's HSDS API (hsds/schemathesis_test.go).
import json

import schemathesis


# format=ndjson answers application/x-ndjson: one JSON object a line. The OpenAPI describes the
# stream as the array of its lines (hsds/profile/openapi.json), and this reads it so, so that
# every line is checked against the item's schema like the items of a JSON page.
@schemathesis.deserializer("application/x-ndjson")
def ndjson(ctx, response):
    return [json.loads(line) for line in response.content.decode("utf-8").splitlines() if line.strip()]
