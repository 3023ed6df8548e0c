"""Bulk helpers (``dns.add_many``, ``mailboxes.update_all``) and ``dns.find``,
on both clients, against the sandbox."""

from __future__ import annotations

import coldmailreseller as cmr
from conftest import Api, hits


def test_dns_add_many_batches_and_reports_each_record(api: Api) -> None:
    s = api.sb.seed()
    uid, dom = s["userId"], s["domain"]
    records = [cmr.BulkDnsRecord(domain=dom, host=f"h{i}", value=f"v{i}", record_type="TXT") for i in range(7)]
    records.insert(3, {"domain": dom, "host": "", "value": "x", "recordType": "TXT"})  # mappings work too
    before = hits(api.sb, "POST", "/dns")
    r = api.dns.add_many(user_id=uid, records=records, batch_size=3)
    assert isinstance(r, cmr.BulkResult)
    assert (r.succeeded, r.failed, r.maybe_applied) == (7, 1, 0)
    assert hits(api.sb, "POST", "/dns") - before == 3
    assert [i.index for i in r.items] == list(range(8))
    assert r.items[3].status == cmr.BulkItemStatus.FAILED and "host" in (r.items[3].message or "")
    ok = r.items[0]
    assert ok.status == "succeeded" and ok.id
    found = api.dns.find(user_id=uid, domain=dom, record_type="TXT", host="h0", value="v0")
    assert found is not None and found.record_id == ok.id
    assert api.dns.find(user_id=uid, domain=dom, record_type=cmr.RecordType.TXT, host="h0", value="nope") is None


def test_a_lost_dns_batch_is_looked_up_not_resent(api: Api) -> None:
    s = api.sb.seed()
    uid, dom = s["userId"], s["domain"]
    api.sb.inject_fault("/dns", method="POST", kind="drop")
    r = api.dns.add_many(user_id=uid, records=[{"domain": dom, "host": "l", "value": "1", "recordType": "TXT"}])
    assert r.items[0].status == cmr.BulkItemStatus.MAYBE_APPLIED
    assert hits(api.sb, "POST", "/dns") == 1


def test_mailboxes_update_all_maps_results_to_changes(api: Api) -> None:
    s = api.sb.seed()
    uid, ids = s["userId"], s["mailboxIds"]
    changes = [
        cmr.MailboxUpdate(mailbox_id=ids[0], first_name="Ann"),
        {"mailboxId": "NOSUCH", "firstName": "X"},
        {"mailbox_id": ids[1], "last_name": "Lee"},
    ]
    r = api.mailboxes.update_all(user_id=uid, changes=changes)
    assert [i.status for i in r.items] == ["succeeded", "failed", "succeeded"]
    assert r.items[1].message
    assert r.requests == 1
    names = {m.mailbox_id: m for m in api.mailboxes.list(user_id=uid)}
    assert names[ids[0]].first_name == "Ann" and names[ids[1]].last_name == "Lee"


def test_bulk_helpers_pace_themselves_at_the_limit(api: Api) -> None:
    api.sb.configure(rate_limit=5)
    try:
        s = api.sb.seed()
        uid, dom = s["userId"], s["domain"]
        recs = [{"domain": dom, "host": f"p{i}", "value": "v", "recordType": "TXT"} for i in range(8)]
        r = api.dns.add_many(user_id=uid, records=recs, batch_size=1)
        assert r.succeeded == 8
        assert not [x for x in api.sb.requests() if x["status"] == 429]
    finally:
        api.sb.configure(rate_limit=None)
