#!/usr/bin/env python3
"""Seed corpora for the libFuzzer harnesses.

    build_corpus.py OUT_DIR [--seed-policies BIN]

OUT_DIR/model        the shipped models, and the reference model under every patch of the
                     mutation corpus (tests/verify/corpus.json, RFC 6902)
OUT_DIR/policy       every policy embedded in those models (alone and with requests), the
                     raw-string policies of tests/policy/*.cpp, and (with --seed-policies, the
                     xc_fuzz_seed_policies helper) the differential generator's policies+requests
OUT_DIR/pattern_set  hand-written constraint sets and ones made of the policies' own strings
OUT_DIR/hcl          the hand-written HCL corpus (tests/input/hcl/corpus/*.tf, valid and invalid)
OUT_DIR/cloudformation  the CloudFormation and SAM fixtures (tests/input/cloudformation/fixtures/)
Every harness also gets the kept regression inputs (tests/fuzz/regressions/<harness>).
"""
import copy
import hashlib
import json
import pathlib
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def pointer_tokens(path):
    return [t.replace("~1", "/").replace("~0", "~") for t in path.split("/")[1:]]


def apply_patch(doc, patch):
    doc = copy.deepcopy(doc)
    for op in patch:
        *parents, last = pointer_tokens(op["path"])
        node = doc
        for t in parents:
            node = node[int(t)] if isinstance(node, list) else node[t]
        if op["op"] == "remove":
            del node[int(last) if isinstance(node, list) else last]
        elif op["op"] in ("add", "replace"):
            if isinstance(node, list):
                if last == "-":
                    node.append(op["value"])
                elif op["op"] == "add":
                    node.insert(int(last), op["value"])
                else:
                    node[int(last)] = op["value"]
            else:
                node[last] = op["value"]
        else:
            raise ValueError("unsupported patch op " + op["op"])
    return doc


def policies_in(v, out):
    if isinstance(v, dict):
        if "Statement" in v:
            out.append(v)
        for x in v.values():
            policies_in(x, out)
    elif isinstance(v, list):
        for x in v:
            policies_in(x, out)


def strings_of(policy):
    out = []

    def walk(v):
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            for k, x in v.items():
                out.append(k)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(policy.get("Statement", []))
    return out


class Writer:
    def __init__(self, d):
        self.d = pathlib.Path(d)
        self.d.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def put(self, name, data):
        if isinstance(data, str):
            data = data.encode()
        digest = hashlib.sha1(data).hexdigest()[:12]
        (self.d / f"{name}-{digest}").write_bytes(data)
        self.n += 1


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    out = pathlib.Path(args[0])
    seed_bin = args[args.index("--seed-policies") + 1] if "--seed-policies" in args else None
    models, policies, patterns = Writer(out / "model"), Writer(out / "policy"), Writer(out / "pattern_set")
    cloudformation = Writer(out / "cloudformation")
    for p in sorted((ROOT / "tests/input/cloudformation/fixtures").iterdir()):
        cloudformation.put(p.stem, p.read_bytes())
    hcl = Writer(out / "hcl")
    for p in sorted((ROOT / "tests/input/hcl/corpus").glob("*.tf")):
        hcl.put(p.stem, p.read_bytes())

    docs = []
    for p in sorted((ROOT / "models").glob("*.json")):
        if p.name.endswith(".schema.json"):
            continue
        text = p.read_text()
        models.put(p.stem, text)
        docs.append(json.loads(text))
    reference = json.loads((ROOT / "models/cross-account-microservices.json").read_text())
    corpus = json.loads((ROOT / "tests/verify/corpus.json").read_text())
    for group in ("mutants", "correct"):
        for m in corpus[group]:
            mutated = apply_patch(reference, m["patch"])
            # Compact: layout is covered by the shipped models, and every byte costs exec/s.
            models.put("corpus-" + m["name"], json.dumps(mutated, separators=(",", ":")))
            docs.append(mutated)
    # Small models: the fuzzer gets through many more of these per second.
    models.put("minimal", json.dumps({"xc": 1, "name": "m", "region": "eu-central-1",
                                      "accounts": {"c": {"id": "111122223333", "role": "consumer"}},
                                      "consumer": {"account": "c"}, "services": {}}))

    found = []
    for d in docs:
        policies_in(d, found)
    seen = set()
    request = ("\n---\nprincipal=arn:aws:iam::111122223333:role/caller\naction=execute-api:Invoke\n"
               "resource=arn:aws:execute-api:eu-central-1:111122223333:abc123/prod/GET/orders\n"
               "account=111122223333\naws:SourceVpce=vpce-0123456789abcdef0\naws:PrincipalTag/team[]=a,b\n")
    for pol in found:
        text = json.dumps(pol, indent=1)
        if text in seen:
            continue
        seen.add(text)
        policies.put("model", text)
        policies.put("model-request", text + request)
    for src in sorted((ROOT / "tests/policy").glob("*.cpp")):
        for raw in re.findall(r'R"\((.*?)\)"', src.read_text(), re.S):
            try:
                v = json.loads(raw)
            except ValueError:
                continue
            if isinstance(v, dict) and "Statement" in v:
                doc = v
            elif isinstance(v, list):
                doc = {"Version": "2012-10-17", "Statement": v}
            elif isinstance(v, dict) and "Effect" in v:
                doc = {"Version": "2012-10-17", "Statement": [v]}
            elif isinstance(v, dict):  # a Condition block
                doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                       "Action": "execute-api:Invoke", "Resource": "*", "Condition": v}]}
            else:
                continue
            policies.put("test-" + src.stem, json.dumps(doc))
    if seed_bin:
        subprocess.run([seed_bin, str(out / "policy"), "300"], check=True)

    for lines in (["+sabc"], ["+s*", "-s?*"], ["+sa*b", "-sa*", "+i*B"], ["+s%:%", "-s*::*"],
                  ["+iarn:%:execute-api:%:%:*", "-sarn:aws:*"], ["+s\\*x?", "-s\\**"],
                  ["+s?!?", "-s*:*"], ["+iAb*", "-sab*", "-sAB*"], ["+s*a*a*a*b", "-s*b*b"]):
        patterns.put("hand", "\n".join(lines) + "\n")
    for pol in found[:40]:
        strs = [s for s in strings_of(pol) if ":" in s or "*" in s][:6]
        if len(strs) >= 1:
            lines = [("+" if i % 2 == 0 else "-") + ("i" if i % 3 == 0 else "s") + s.replace("\\", "\\\\")
                     for i, s in enumerate(strs)]
            patterns.put("policy", "\n".join(lines) + "\n")

    for name, w in (("model", models), ("policy", policies), ("pattern_set", patterns), ("hcl", hcl), ("cloudformation", cloudformation)):
        reg = HERE / "regressions" / name
        for p in sorted(reg.glob("*")) if reg.is_dir() else []:
            w.put("regression-" + p.name, p.read_bytes())
    print(f"seed corpus: {models.n} models, {policies.n} policies, {patterns.n} pattern sets, {hcl.n} HCL files in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
