"""Validate the documented examples (tests/fixtures, copied verbatim from the
API reference) against spec/openapi.json: request bodies against the
operation's request body schema, answers against its 200 response schema,
webhook deliveries against the webhook's payload schema.

Run by scripts/check-generated.sh with the venv that has
openapi-spec-validator (which brings openapi-schema-validator).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from openapi_schema_validator import OAS31Validator

ROOT = Path(__file__).resolve().parent.parent
SPEC = json.loads((ROOT / "spec" / "openapi.json").read_text())
FIXTURES = ROOT / "tests" / "fixtures"

# Example file prefix -> (method, path) of the operation it documents.
# Written from the docs pages, like crates/cmr/tests/contract_wire.rs.
OPERATIONS = {
    "users.create": ("post", "/users"),
    "users.update": ("put", "/users"),
    "users.delete": ("delete", "/users"),
    "domains.renewal-price": ("post", "/domains/renewal-price"),
    "domains.toggle-auto-renew": ("patch", "/domains/toggle-auto-renew"),
    "dns.add": ("post", "/dns"),
    "dns.update": ("put", "/dns"),
    "export.platform-credential.add": ("post", "/exports/platform-credential"),
    "export.platform-credential.remove": ("delete", "/exports/platform-credential"),
    "export.platform-credentials.list": ("get", "/exports/platform-credentials"),
    "mailboxes.remove": ("delete", "/mailboxes/remove"),
    "mailboxes.update": ("patch", "/mailboxes/update-mailbox-details"),
    "orders.json": ("post", "/orders/json"),
    "prewarmup.list": ("get", "/pre-warmup"),
    "prewarmup.order": ("post", "/pre-warmup/order"),
    "subscriptions.cancel": ("post", "/subscriptions/cancel"),
    "subscriptions.list": ("get", "/subscriptions"),
    "subscriptions.recreate": ("post", "/component/subscriptions/recreate"),
    "subscriptions.renew": ("post", "/subscriptions/renew-subscriptions"),
}


def validate(schema: dict, instance: object) -> list[str]:
    root = {**schema, "components": SPEC["components"]}
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in OAS31Validator(root).iter_errors(instance)]


def main() -> int:
    failures, checked = [], 0
    for f in sorted(FIXTURES.glob("*.json")):
        name = f.name
        example = json.loads(f.read_text())
        if name.startswith("webhook."):
            event = name.removeprefix("webhook.").split(".json")[0]
            event = next((e for e in SPEC["webhooks"] if event.startswith(e)), None)
            if event is None:
                continue
            body = SPEC["webhooks"][event]["post"]["requestBody"]["content"]["application/json"]["schema"]
            schema = body["properties"]["data"]
            instance = example.get("data", example) if isinstance(example, dict) else example
        else:
            key = next((k for k in sorted(OPERATIONS, key=len, reverse=True) if name.startswith(k + ".")), None)
            if key is None:
                continue
            method, path = OPERATIONS[key]
            op = SPEC["paths"][path][method]
            rest = name[len(key) + 1 :]
            if rest.startswith("request"):
                schema = next(iter(op["requestBody"]["content"].values()))["schema"]
            elif rest.startswith("200"):
                schema = op["responses"].get("200", op["responses"].get("201"))["content"]["application/json"]["schema"]
            else:
                continue
            instance = example
        checked += 1
        failures += [f"{name}: {e}" for e in validate(schema, instance)]
    print(f"spec examples: {checked} documented examples checked against spec/openapi.json")
    for line in failures:
        print("  " + line, file=sys.stderr)
    return 1 if failures or checked < 44 else 0


if __name__ == "__main__":
    raise SystemExit(main())
