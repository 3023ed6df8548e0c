"""The order lifecycle of tests/scenarios/lifecycle.json on the virtual clock."""

from __future__ import annotations

import coldmailreseller as cmr
from conftest import Api, new_user, scenario

LIFECYCLE = scenario("lifecycle")


def test_order_lifecycle(api: Api) -> None:
    o = LIFECYCLE["order"]
    domain = o["domains"][0]["domain"]
    user = api.users.create(**new_user("life@acme.com"))
    # The scenario's order is camelCase JSON: plain mappings are accepted as they are.
    created = api.orders.create(
        user_id=user.id, domains=o["domains"], mailboxes=o["mailboxes"], confirm=o["confirm"], google=o["google"]
    )
    assert created.order_id
    expected: list[str] = []
    for step in LIFECYCLE["steps"]:
        api.sb.advance(step["advanceSeconds"])
        expected += step["events"]
        assert [h["event"] for h in api.sb.webhooks()] == expected
        mailboxes = api.mailboxes.list(user_id=user.id)
        if step["mailboxStatus"] is None:
            assert all(m.domain != domain for m in mailboxes)
        else:
            assert len(mailboxes) == len(o["mailboxes"][domain])
            assert {m.status for m in mailboxes} == {cmr.MailboxStatus(step["mailboxStatus"])}
    assert api.orders.status(user_id=user.id, order_id=created.order_id).status == cmr.OrderState.COMPLETED
    subs = api.collect(api.subscriptions.list(domain=domain))
    assert len(subs) == 1 and subs[0].total_mailbox_quantity == 2
