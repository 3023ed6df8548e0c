#!/usr/bin/env python3
"""Benchmark of issue #11 (not a test): bulk work against a `cmr sandbox`
process with CMR's real 5 req/s limit, through the `cmr` CLI as a user runs it.

    cargo build --release -p cmr-cli && python3 scripts/bench_bulk.py [--cmr target/release/cmr]

Measures wall time, requests sent and 429s (from the sandbox's request log) for:
  A. 500 TXT records on one domain          (cmr dns import)
  B. 1,000 TXT records across 20 domains    (cmr dns import)
  C. 1,000 mailbox renames for one user     (cmr mailboxes update --file)
  D. the pacer alone: 200 single GETs at 5/s (python client, requests_per_second=5), when
     --python names an interpreter with the `coldmailreseller` wheel installed.
Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

KEY = "cmr_test_key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sandbox:
    def __init__(self, cmr: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.base = f"{self.url}/api/v1/integration"
        env = {**os.environ, "CMR_API_KEY": KEY}
        self.proc = subprocess.Popen([cmr, "sandbox", "--port", str(self.port)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.control("GET", "/health")
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise SystemExit("the sandbox did not start")
                time.sleep(0.05)

    def _req(self, method: str, url: str, body: object = None, headers: dict | None = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method, headers={"content-type": "application/json", **(headers or {})})
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read().decode()
        return json.loads(text) if text.strip() else None

    def control(self, method: str, path: str, body: object = None) -> object:
        return self._req(method, f"{self.url}/__sandbox{path}", body)

    def api(self, method: str, path: str, body: object = None) -> object:
        # Setup calls respect the limit too: one every 250 ms.
        time.sleep(0.25)
        return self._req(method, f"{self.base}{path}", body, {"cmr-x-api-key": KEY})

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


def quiet(sb: Sandbox) -> None:
    """Start a job with an empty rate window: the sandbox counts the setup's
    requests of the last rolling second too."""
    time.sleep(1.1)
    sb.control("DELETE", "/requests")


def run(cmd: list[str], sb: Sandbox) -> tuple[float, dict]:
    quiet(sb)
    env = {**os.environ, "CMR_API_KEY": KEY, "CMR_BASE_URL": sb.base}
    t = time.monotonic()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.monotonic() - t
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({out.returncode}): {out.stderr}")
    log = sb.control("GET", "/requests")
    reqs = log if isinstance(log, list) else log.get("requests", [])
    api = [r for r in reqs if not str(r.get("path", "")).startswith("/__sandbox")]
    return wall, {"requests": len(api), "429s": sum(1 for r in api if r.get("status") == 429), "out": out.stdout}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cmr", default="target/release/cmr")
    ap.add_argument("--python", help="an interpreter with the coldmailreseller wheel installed (for D)")
    a = ap.parse_args()
    sb = Sandbox(a.cmr)
    rows = []
    try:
        seed = sb.control("POST", "/seed")
        uid, first = seed["userId"], seed["domain"]
        sb.control("PUT", "/wallet", {"balance": 10_000_000})
        domains = [first] + [f"bench-{i}-{uid[:6].lower()}.com" for i in range(19)]
        mailboxes = {d: [{"username": f"u{j}", "firstName": "B", "lastName": "Ench"} for j in range(50)] for d in domains[1:]}
        mailboxes[domains[1]] += [{"username": f"x{j}", "firstName": "B", "lastName": "Ench"} for j in range(50)]
        sb.api("POST", f"/orders/json?userId={uid}", {"domains": [{"domain": d, "years": 1} for d in domains[1:]], "mailboxes": mailboxes})
        sb.control("POST", "/clock/advance", {"seconds": 86400})
        mbs = sb.api("GET", f"/mailboxes/single?userId={uid}")["data"]
        mbs = mbs.get("mailboxes", mbs) if isinstance(mbs, dict) else mbs
        ids = [m.get("mailboxId") or m.get("id") for m in mbs][:1000]
        if len(ids) < 1000:
            raise SystemExit(f"setup made only {len(ids)} mailboxes")
        with tempfile.TemporaryDirectory() as tmp:
            def csv(name: str, header: str, lines: list[str]) -> str:
                p = os.path.join(tmp, name)
                with open(p, "w") as f:
                    f.write(header + "\n" + "\n".join(lines) + "\n")
                return p

            a_csv = csv("a.csv", "domain,host,type,value,priority", [f"{first},a{i},TXT,v=a{i},"
                                                                      for i in range(500)])
            b_csv = csv("b.csv", "domain,host,type,value,priority",
                        [f"{domains[i % 20]},b{i},TXT,v=b{i}," for i in range(1000)])
            c_csv = csv("c.csv", "mailboxId,firstName", [f"{m},Renamed{i}" for i, m in enumerate(ids)])
            for label, n, cmd in [
                ("A. 500 DNS records, one domain (`dns import`)", 500,
                 [a.cmr, "dns", "import", a_csv, "--user-id", uid, "--journal", os.path.join(tmp, "a.j"), "--json"]),
                ("B. 1,000 DNS records, 20 domains (`dns import`)", 1000,
                 [a.cmr, "dns", "import", b_csv, "--user-id", uid, "--journal", os.path.join(tmp, "b.j"), "--json"]),
                ("C. 1,000 mailbox renames (`mailboxes update --file`)", 1000,
                 [a.cmr, "mailboxes", "update", "--file", c_csv, "--user-id", uid, "--journal", os.path.join(tmp, "c.j"), "--json"]),
            ]:
                wall, r = run(cmd, sb)
                res = json.loads(r["out"]) if r["out"].strip().startswith("{") else {}
                ok = res.get("ok", res.get("succeeded", "?"))
                rows.append(f"| {label} | {n} | {ok} | {r['requests']} | {r['429s']} | {wall:.2f} s |")
        venv_py = a.python
        if venv_py:
            quiet(sb)
            code = (
                "import time\nimport coldmailreseller as cmr\n"
                f"c = cmr.Client(api_key={KEY!r}, base_url={sb.base!r}, requests_per_second=5)\n"
                "t = time.monotonic()\n"
                f"for _ in range(200): c.users.get(user_id={uid!r})\n"
                "print(time.monotonic() - t)\n"
            )
            out = subprocess.run([venv_py, "-c", code], capture_output=True, text=True, cwd=tempfile.gettempdir())
            if out.returncode == 0:
                wall = float(out.stdout.strip())
                log = sb.control("GET", "/requests")
                reqs = log if isinstance(log, list) else log.get("requests", [])
                n429 = sum(1 for r in reqs if r.get("status") == 429)
                rows.append(f"| D. pacer alone: 200 single GETs at 5/s ({200 / wall:.2f} req/s) | 200 | 200 | {len(reqs)} | {n429} | {wall:.2f} s |")
            else:
                print(out.stderr, file=sys.stderr)
    finally:
        sb.stop()
    print("| Job | Rows | Landed | Requests | 429s | Wall time |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
