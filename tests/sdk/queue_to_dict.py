"""Prints one queue as the official Python SDK reads it: `get_routing_queue(id).to_dict()`.

Usage: python queue_to_dict.py BASE_URL QUEUE_ID
  BASE_URL  a simulator whose OAuth client is demo / demo-secret
Used by tests/sdk_conformance.rs to check, through the SDK, that a description-only change
made by `onboard apply --queues` leaves every other setting of the queue byte-equal (issue 15,
the partial-PUT guard of Terraform #1179). The dict is printed as JSON with sorted keys;
datetimes as their ISO text.
"""
import json
import sys

import PureCloudPlatformClientV2 as g

g.configuration.host = sys.argv[1]
client = g.api_client.ApiClient().get_client_credentials_token("demo", "demo-secret")
queue = g.RoutingApi(client).get_routing_queue(sys.argv[2])
print(json.dumps(queue.to_dict(), sort_keys=True, default=str))
