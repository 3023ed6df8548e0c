#!/usr/bin/env python3
"""Generate node/src/models.ts from the core's Rust models (the one source of truth).

Reads the `model!`, `event_model!` and `string_enum!` declarations of
crates/cmr/src/models/*.rs and crates/cmr/src/webhooks.rs and writes one
TypeScript interface per struct and one string-literal union per enum (which
also accepts any other string: unknown values are kept, never rejected).

Response models (the ones with a flattened `extra`) keep unknown fields under
an index signature; a field the core always serialises is required, `null`
when absent. Request models: `Option` / `#[serde(default)]` fields are optional.

    python3 node/scripts/gen-models.py          # rewrite node/src/models.ts
    python3 node/scripts/gen-models.py --check  # exit 1 if it is stale
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "crates/cmr/src/models").glob("*.rs")) + [ROOT / "crates/cmr/src/webhooks.rs"]
OUT = ROOT / "node/src/models.ts"
SKIP = {"Page", "Envelope", "Extra"}  # hand-written in TypeScript


def camel(s):
    head, *rest = s.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def ts_type(t):
    t = t.strip()
    m = re.fullmatch(r"Option<(.*)>", t)
    if m:
        return ts_type(m.group(1)) + " | null"
    m = re.fullmatch(r"Vec<(.*)>", t)
    if m:
        inner = m.group(1).strip()
        if inner == "u8":
            return "string"  # base64 in JSON
        it = ts_type(inner)
        return f"Array<{it}>" if " " in it else f"{it}[]"
    m = re.fullmatch(r"HashMap<String,\s*(.*)>", t)
    if m:
        return f"Record<string, {ts_type(m.group(1))}>"
    t = t.split("::")[-1]
    return {"String": "string", "bool": "boolean", "u16": "number", "u32": "number", "u64": "number",
            "i64": "number", "f64": "number", "Value": "unknown", "Extra": "Record<string, unknown>"}.get(t, t)


def docs(lines, indent):
    text = [l.strip()[3:].strip() for l in lines]
    text = [l for l in text if l]
    if not text:
        return ""
    pad = " " * indent
    if len(text) == 1:
        return f"{pad}/** {text[0]} */\n"
    return f"{pad}/**\n" + "".join(f"{pad} * {l}\n" for l in text) + f"{pad} */\n"


def parse(src):
    items = []
    lines = src.splitlines()
    i = 0
    pending_doc = []
    while i < len(lines):
        line = lines[i].strip()
        m_enum = re.match(r"string_enum!\s*\{", line)
        m_model = re.match(r"(event_)?model!\s*\{", line)
        if m_enum or m_model:
            # collect the block up to the closing of the macro
            depth, block = 0, []
            while True:
                l = lines[i]
                depth += l.count("{") - l.count("}")
                block.append(l)
                i += 1
                if depth == 0:
                    break
            items.append(("enum" if m_enum else "struct", block))
            continue
        i += 1
    return items


def render_enum(block):
    doc, body = [], []
    name = None
    for l in block[1:]:
        s = l.strip()
        if name is None:
            if s.startswith("///"):
                doc.append(s)
            m = re.match(r"pub enum (\w+)", s)
            if m:
                name = m.group(1)
            continue
        m = re.match(r"(\w+)\s*=\s*\"([^\"]*)\"", s)
        if m:
            body.append(m.group(2))
    values = " | ".join(f"'{v}'" for v in body)
    return name, docs(doc, 0) + f"export type {name} = {values} | (string & {{}});\n"


def render_struct(block):
    doc, fields, attrs, fdoc = [], [], [], []
    name = None
    text = "\n".join(block[1:])
    # join multi-line field declarations: attributes then `pub x: T,`
    for raw in block[1:]:
        s = raw.strip()
        if name is None:
            if s.startswith("///"):
                doc.append(s)
            m = re.match(r"pub struct (\w+)", s)
            if m:
                name = m.group(1)
            continue
        if s.startswith("///"):
            fdoc.append(s)
            continue
        for a in re.findall(r"#\[serde\(([^\]]*)\)\]", s):
            attrs.append(a)
        m = re.search(r"pub (\w+):\s*(.+?),?\s*$", s)
        if m:
            fields.append((m.group(1), m.group(2).rstrip(","), " ".join(attrs), fdoc))
            attrs, fdoc = [], []
    is_response = any("flatten" in a for _, _, a, _ in fields)
    out = docs(doc, 0) + f"export interface {name} {{\n"
    for fname, ftype, a, fd in fields:
        if "flatten" in a:
            continue
        m = re.search(r'rename\s*=\s*"([^"]+)"', a)
        js = m.group(1) if m else camel(fname)
        is_opt = ftype.startswith("Option<")
        if is_response:
            if is_opt and "skip_serializing_if" in a:
                decl = f"{js}?: {ts_type(ftype[7:-1])}"
            else:
                decl = f"{js}: {ts_type(ftype)}"
        else:
            if is_opt:
                decl = f"{js}?: {ts_type(ftype[7:-1])} | null" if "skip_serializing_if" not in a else f"{js}?: {ts_type(ftype[7:-1])}"
            elif re.search(r"\bdefault\b", a):
                decl = f"{js}?: {ts_type(ftype)}"
            else:
                decl = f"{js}: {ts_type(ftype)}"
        out += docs(fd, 2) + f"  {decl};\n"
    if is_response:
        out += "  /** Fields this SDK version does not model yet (kept, never dropped). */\n"
        out += "  [key: string]: unknown;\n"
    out += "}\n"
    return name, out


def main():
    parts = ["// GENERATED by node/scripts/gen-models.py from crates/cmr/src/models and webhooks.rs.\n"
             "// Do not edit: change the Rust model, then run `python3 node/scripts/gen-models.py`.\n"
             "/* eslint-disable */\n"]
    seen = set()
    for path in SOURCES:
        for kind, block in parse(path.read_text()):
            name, ts = render_enum(block) if kind == "enum" else render_struct(block)
            if name in SKIP or name in seen:
                continue
            seen.add(name)
            parts.append(ts)
    text = "\n".join(parts)
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is stale: run python3 node/scripts/gen-models.py", file=sys.stderr)
            sys.exit(1)
        return
    OUT.write_text(text)
    print(f"wrote {OUT} ({len(seen)} types)")


main()
