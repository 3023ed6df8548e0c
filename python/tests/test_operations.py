"""Every operation of the route table, through both clients, over loopback."""

from __future__ import annotations

import pytest

import coldmailreseller as cmr
from conftest import GOOGLE, Api, hits, new_user, order, provisioned


def test_users_create_get_update_list_delete(api: Api) -> None:
    u = api.users.create(**new_user("jane@acme.com"))
    assert isinstance(u, cmr.User)
    assert u.id and u.email == "jane@acme.com" and u.address_line_two == "Suite 4"
    got = api.users.get(user_id=u.id)
    assert got.id == u.id and got.company == "Acme Inc."
    ack = api.users.update(user_id=u.id, city="Dallas")
    assert isinstance(ack, cmr.Ack) and ack.message
    assert api.users.get(user_id=u.id).city == "Dallas"
    page = api.users.list()
    assert any(x.id == u.id for x in page.items)
    api.users.delete(user_id=u.id)
    with pytest.raises(cmr.NotFoundError) as ei:
        api.users.get(user_id=u.id)
    assert (ei.value.status, ei.value.method, ei.value.path) == (404, "GET", "/users")


def test_geo(api: Api) -> None:
    countries = api.geo.countries()
    assert any(c.code == "US" and c.name for c in countries)
    assert [c.name for c in countries] == sorted(c.name for c in countries)
    states = api.geo.states(country_code="us")
    assert any(s.code == "TX" for s in states)
    with pytest.raises(cmr.ValidationError):
        api.geo.states(country_code="USA")


def test_domains(api: Api) -> None:
    user, _, _ = provisioned(api, "dom@acme.com", "dom-example.com", ["a"])
    sugg = api.domains.suggest(user_id=user.id, query="acme", tlds=["com", "io"], limit=5)
    assert sugg and all(isinstance(s, cmr.DomainAvailability) for s in sugg)
    assert api.domains.check_availability(user_id=user.id, domain="dom-example.com").available is False
    free = api.domains.check_availability(user_id=user.id, domain="brand-new-name-1234.com")
    assert free.available is True and (free.price or 0) > 0
    ws = api.domains.check_workspace(user_id=user.id, domain="dom-example.com", service_provider=cmr.ServiceProvider.GOOGLE)
    assert ws.exists is True
    listed = api.domains.list(user_id=user.id)
    assert [d.domain_name for d in listed] == ["dom-example.com"]
    assert listed[0].status == cmr.DomainStatus.ACTIVE
    assert api.domains.add_forwarding(user_id=user.id, domain="dom-example.com", forward_to="https://acme.com").message
    assert api.domains.add_email_forwarding(user_id=user.id, domain="dom-example.com", forward_to="inbox@acme.com").message
    assert api.domains.add_google_client_id(user_id=user.id, domain="dom-example.com", client_id="cid", app_name="App").message
    with pytest.raises((cmr.ValidationError, cmr.ConflictError)):
        api.domains.remove(user_id=user.id, domains=["dom-example.com"])


def test_domains_remove_a_domain_without_mailboxes(api: Api) -> None:
    user = api.users.create(**new_user("rm@acme.com"))
    api.orders.create(user_id=user.id, domains=[cmr.OrderDomain(domain="rm-example.com", years=1)], confirm=True)
    api.sb.advance(60)
    assert [d.domain_name for d in api.domains.list(user_id=user.id)] == ["rm-example.com"]
    ack = api.domains.remove(user_id=user.id, domains=["rm-example.com"])
    assert ack.message


def test_domain_renewal_and_auto_renew(api: Api) -> None:
    user, _, _ = provisioned(api, "renew@acme.com", "renew-example.com", ["a"])
    prices = api.domains.renewal_price(user_id=user.id, domains=["renew-example.com"], years=1)
    assert prices[0].error, "a fresh domain is outside the renewal window"
    api.sb.advance(330 * 86400)
    prices = api.domains.renewal_price(user_id=user.id, domains=["renew-example.com"], years=1)
    assert prices[0].error is None and prices[0].renewal_price
    renewed = api.domains.renew(user_id=user.id, domains=["renew-example.com"], years=1)
    assert isinstance(renewed, cmr.DomainRenewResult) and renewed.message
    toggled = api.domains.toggle_auto_renew(user_id=user.id, auto_renew=True)
    assert toggled and all(d.auto_renew for d in toggled)


def test_dns(api: Api) -> None:
    user, _, _ = provisioned(api, "dns@acme.com", "dns-example.com", ["a"])
    added = api.dns.add(
        user_id=user.id,
        domain="dns-example.com",
        records=[
            cmr.NewDnsRecord(host="mail", value="192.0.2.10", record_type=cmr.RecordType.A),
            # A plain mapping with snake_case keys works too.
            {"host": "_dmarc", "value": "v=DMARC1; p=none", "record_type": "TXT", "excluded_dmarc_tags": ["rua", "ruf"]},
        ],
    )
    assert len(added) == 2 and all(r.record_id for r in added)
    listed = api.dns.list(user_id=user.id, domain="dns-example.com")
    dmarc = next(r for r in listed.records if r.host == "_dmarc" and r.record_id in {x.record_id for x in added})
    assert "pct=100" in dmarc.value and "rua=" not in dmarc.value
    a = next(r for r in added if r.host == "mail")
    api.dns.update(
        user_id=user.id, record_id=a.record_id, domain="dns-example.com", host="mail", value="192.0.2.20", record_type="A"
    )
    assert any(r.value == "192.0.2.20" for r in api.dns.list(user_id=user.id, domain="dns-example.com").records)
    api.dns.delete(user_id=user.id, record_id=a.record_id)
    assert all(r.record_id != a.record_id for r in api.dns.list(user_id=user.id, domain="dns-example.com").records)


def test_orders_confirm_false_process_status_get(api: Api) -> None:
    user = api.users.create(**new_user("later@acme.com"))
    created = api.orders.create(user_id=user.id, **order("later-example.com", ["ann"], confirm=False))
    assert isinstance(created, cmr.OrderCreated) and created.order_id
    api.sb.advance(60)
    assert api.sb.webhooks() == []
    assert api.orders.status(user_id=user.id, order_id=created.order_id).status == cmr.OrderState.CREATED
    api.orders.process(user_id=user.id, order_id=created.order_id)
    api.sb.advance(60)
    assert api.orders.status(user_id=user.id, order_id=created.order_id).status == cmr.OrderState.COMPLETED
    details = api.orders.get(user_id=user.id, order_id=created.order_id)
    assert details.order_id == created.order_id and len(details.domains) == 1
    assert details.domains[0].domain == "later-example.com"


def test_orders_multipart_with_a_profile_picture(api: Api) -> None:
    user = api.users.create(**new_user("pic@acme.com"))
    pic = cmr.ProfilePicture(key="ann@pic-example.com", file_name="ann.png", content_type="image/png", data=b"\x89PNG")
    created = api.orders.create_multipart(user_id=user.id, files=[pic], **order("pic-example.com", ["ann"]))
    assert created.order_id and (created.action_id or "").startswith("ACT_")
    assert hits(api.sb, "POST", "/orders") == 1


def test_order_mailboxes_and_deprecated_add(api: Api) -> None:
    user, sub, _ = provisioned(api, "more@acme.com", "more-example.com", ["a"])
    mbs = {"more-example.com": [{"username": "b", "first_name": "B", "last_name": "B"}]}
    with pytest.raises(cmr.ValidationError):
        api.orders.order_mailboxes(user_id=user.id, mailboxes=mbs)  # neither id: refused before sending
    assert hits(api.sb, "POST", "/orders/create-mailbox-order/json") == 0
    api.orders.order_mailboxes(user_id=user.id, subscription_id=sub.subscription_id, mailboxes=mbs, confirm=True, google=GOOGLE)
    api.sb.advance(60)
    assert len(api.mailboxes.list(user_id=user.id)) == 2
    with pytest.warns(DeprecationWarning):
        created = api.orders.add_mailboxes_to_subscription(
            user_id=user.id,
            subscription_id=sub.subscription_id,
            mailboxes={"more-example.com": [cmr.NewMailbox(username="c", first_name="C", last_name="C")]},
            confirm=True,
            google=GOOGLE,
        )
    assert isinstance(created, cmr.OrderCreated)


def test_mailboxes(api: Api) -> None:
    user, _, mbs = provisioned(api, "mb@acme.com", "mb-example.com", ["a", "b"])
    assert all(m.status == cmr.MailboxStatus.ACTIVE for m in mbs)
    mid = mbs[0].mailbox_id
    one = api.mailboxes.get(mailbox_id=mid, user_id=user.id)
    assert one.mailbox_id == mid and (one.email or "").endswith("@mb-example.com")
    admin = api.mailboxes.admin_details(user_id=user.id, mailbox_id=mid)
    assert admin.mailbox_id
    upd = api.mailboxes.update(user_id=user.id, mailbox_id=mid, first_name="Zoe")
    assert (upd.action_id or "").startswith("ACT_")
    api.sb.advance(10)
    assert api.mailboxes.get(mailbox_id=mid).first_name == "Zoe"
    many = api.mailboxes.update_many(
        user_id=user.id,
        mailbox_data=[
            cmr.MailboxUpdate(mailbox_id=mbs[1].mailbox_id, last_name="Roe"),
            {"mailboxId": "NOSUCHMAILBOX000000000000000", "lastName": "X"},
        ],
    )
    assert [r.success for r in many.results] == [True, False]
    page = api.mailboxes.list_all()
    assert len(page.items) >= 2
    api.mailboxes.remove(user_id=user.id, mailbox_id=mid)
    api.sb.advance(10)
    assert len(api.mailboxes.list(user_id=user.id)) == 1


def test_subscriptions(api: Api) -> None:
    _, sub, _ = provisioned(api, "sub@acme.com", "sub-example.com", ["a"])
    assert isinstance(sub, cmr.Subscription) and sub.subscription_status == cmr.SubscriptionStatus.ACTIVE
    ack = api.subscriptions.renew(subscription_ids=[sub.subscription_id])
    assert (ack.action_id or "").startswith("ACT_")
    api.subscriptions.toggle_auto_renew(subscription_ids=[sub.subscription_id], auto_renew=False)
    api.subscriptions.recreate(domain_names=["sub-example.com"])
    with pytest.raises(cmr.ValidationError):
        api.subscriptions.cancel()
    api.subscriptions.cancel(domain="sub-example.com")
    api.sb.advance(10)
    page = api.subscriptions.list(status=cmr.SubscriptionStatus.CANCELLED)
    assert any(s.domain == "sub-example.com" for s in page.items)


def test_exports(api: Api) -> None:
    user, _, mbs = provisioned(api, "exp@acme.com", "exp-example.com", ["a"])
    login = cmr.PlatformLogin(email="john@agency.com", password="secret-pass")
    meta = cmr.PlatformMetadata(app_base_url="https://app.emailbison.com", client_id="client_eb", app_name="EmailBison", workspace="ws")
    c1 = api.exports.add_credential(user_id=user.id, app=cmr.PlatformApp.EMAILBISON, credentials=login, metadata=meta)
    c2 = api.exports.add_credential(user_id=user.id, credentials={"email": "j@a.com", "password": "p"}, metadata=meta)
    assert c1.credential_id != c2.credential_id
    conns = api.exports.list_credentials(user_id=user.id)
    eb = next(p for p in conns if p.app == cmr.PlatformApp.EMAILBISON)
    assert eb.connected and len(eb.credentials) == 2
    api.exports.export_mailboxes(user_id=user.id, credential_id=c1.credential_id, component_mailbox_ids=[mbs[0].mailbox_id])
    api.exports.reexport(user_id=user.id, mailbox_id=mbs[0].mailbox_id)
    api.exports.remove_credential(user_id=user.id, credential_id=c1.credential_id)
    with pytest.raises(cmr.NotFoundError):
        api.exports.remove_credential(user_id=user.id, credential_id=c1.credential_id)


def test_prewarmup(api: Api) -> None:
    user = api.users.create(**new_user("pw@acme.com"))
    page = api.prewarmup.list()
    assert page.items
    first = page.items[0]
    provider = first.service_provider or cmr.ServiceProvider.GOOGLE
    kwargs = {"google": GOOGLE} if provider == cmr.ServiceProvider.GOOGLE else {"microsoft_oauth_route": "https://app.example.com/oauth/ms"}
    created = api.prewarmup.order(user_id=user.id, order=[cmr.PrewarmupItem(domain=first.domain)], service_provider=provider, **kwargs)
    assert isinstance(created, cmr.PrewarmupOrderCreated)
    names = [d.domain for d in api.prewarmup.sandbox_list()]
    assert "sandbox.nexora-tech.com" in names
    api.prewarmup.sandbox_order(
        user_id=user.id,
        order=[{"domain": "sandbox.nexora-tech.com"}, {"domain": "mail-sandbox.brightplathlabs.com"}],
        service_provider="GOOGLE",
        google=GOOGLE,
        scenario=cmr.SandboxScenario.PARTIAL_FAILURE,
    )
    api.sb.advance(60)
    events = {h["event"] for h in api.sb.webhooks()}
    assert {"prewarmup.order.success", "prewarmup.order.failed"} <= events
    assert api.prewarmup.sandbox_reset().message


def test_wallet_and_send_error(api: Api) -> None:
    w = api.wallet.get()
    assert isinstance(w, cmr.Wallet) and w.balance == 100000.0
    assert api.send_error(message="webhook never arrived", action_id="ACT_1", details="none").message


def test_raw_request(api: Api) -> None:
    env = api.request("GET", "/geo/countries")
    assert isinstance(env, cmr.Envelope) and env.status == 200 and isinstance(env.data, dict)
    user = api.users.create(**new_user("raw@acme.com"))
    env = api.request("GET", "/users", query={"userId": user.id})
    assert env.data["email"] == "raw@acme.com"
    env = api.request("PUT", "/users", query={"userId": user.id}, body={"city": "Reno"})
    assert env.status == 200
    assert api.users.get(user_id=user.id).city == "Reno"
    with pytest.raises(cmr.NotFoundError):
        api.request("GET", "/no/such/path")
    with pytest.raises(cmr.ValidationError):
        api.request("GET", "relative")


def test_with_options_headers_and_retries(api: Api) -> None:
    quiet = api.client.with_options(max_retries=0, timeout=5, headers={"x-trace": "1"})
    assert type(quiet) is type(api.client) and quiet.base_url == api.client.base_url
    api.sb.inject_fault("/wallet", status=503)
    with pytest.raises(cmr.ServerError):
        r = quiet.wallet.get()
        if api.mode == "async":
            api.run(r)
    assert hits(api.sb, "GET", "/wallet") == 1


def test_every_operation_has_a_method_on_both_clients() -> None:
    from coldmailreseller import _native

    ops = _native.operations()
    assert len(ops) >= 50
    for cls in (cmr.Client, cmr.AsyncClient):
        client = cls(api_key="k", base_url="http://127.0.0.1:9")
        for op in ops:
            target = client
            for part in op.split("."):
                target = getattr(target, part, None)
            assert callable(target), f"{cls.__name__} has no method for {op}"
