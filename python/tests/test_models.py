"""Models: typed snake_case attributes, unknown fields and enum values kept,
camelCase to_dict round trips, readable reprs."""

from __future__ import annotations

import coldmailreseller as cmr
from coldmailreseller.testing import Sandbox
from conftest import new_user


def test_unknown_fields_and_enum_values_are_kept() -> None:
    d = {
        "mailboxId": "M1",
        "email": "a@b.com",
        "status": "SUSPENDED_FOR_REVIEW",
        "serviceProvider": "GOOGLE",
        "brandNewField": {"x": 1},
    }
    m = cmr.Mailbox.from_dict(d)
    assert m.mailbox_id == "M1" and m.email == "a@b.com"
    assert m.status == "SUSPENDED_FOR_REVIEW" and type(m.status) is str
    assert m.service_provider is cmr.ServiceProvider.GOOGLE
    assert m.extra == {"brandNewField": {"x": 1}}
    assert m.to_dict() == d
    assert cmr.Mailbox.from_dict(m.to_dict()) == m


def test_nested_models_round_trip() -> None:
    d = {
        "orderId": "O1",
        "status": "COMPLETED",
        "domains": [{"domain": "a.com", "years": 2, "maskForwarding": True}],
        "mailboxes": {"a.com": [{"username": "x", "firstName": "X", "lastName": "Y", "onWarmup": True}]},
        "totalPrice": 12.5,
    }
    o = cmr.Order.from_dict(d)
    assert o.status is cmr.OrderState.COMPLETED
    assert isinstance(o.domains[0], cmr.OrderDomain) and o.domains[0].years == 2
    assert o.mailboxes["a.com"][0].first_name == "X" and o.mailboxes["a.com"][0].on_warmup is True
    assert o.to_dict() == d
    assert cmr.Order.from_dict(o.to_dict()) == o


def test_special_json_names_and_bytes() -> None:
    r = cmr.NewDnsRecord(host="_dmarc", value="v=DMARC1", record_type=cmr.RecordType.TXT, excluded_dmarc_tags=["rua"])
    assert r.to_dict() == {"host": "_dmarc", "value": "v=DMARC1", "recordType": "TXT", "excludedDMARCtags": ["rua"]}
    p = cmr.ProfilePicture(key="a@b.com", file_name="a.png", content_type="image/png", data=b"\x00\x01")
    assert p.to_dict()["data"] == "AAE="
    assert cmr.ProfilePicture.from_dict(p.to_dict()) == p


def test_reprs_are_readable_and_mask_credentials() -> None:
    u = cmr.User(id="U1", email="a@b.com")
    assert repr(u) == "User(id='U1', email='a@b.com')"
    admin = cmr.MailboxAdminDetails(mailbox_id="M", password="hunter2", app_password="apppw")
    assert "hunter2" not in repr(admin) and "apppw" not in repr(admin)
    assert admin.password == "hunter2"
    assert "RecordType.TXT" in repr(cmr.NewDnsRecord(host="h", value="v", record_type=cmr.RecordType.TXT))
    assert str(cmr.RecordType.TXT) == "TXT" and cmr.RecordType.TXT == "TXT"


def test_models_from_the_server_keep_their_types(sb: Sandbox) -> None:
    client = sb.client()
    u = client.users.create(**new_user("m@acme.com"))
    assert cmr.User.from_dict(u.to_dict()) == u
    assert u.to_dict()["addressLineTwo"] == "Suite 4"
    assert u.to_dict()["phoneCc"] == "1"


def test_import_is_lazy() -> None:
    import subprocess
    import sys

    code = "import coldmailreseller as cmr, sys; print('coldmailreseller._native' in sys.modules, 'coldmailreseller._models' in sys.modules, 'typing' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[:2] == ["False", "False"]
