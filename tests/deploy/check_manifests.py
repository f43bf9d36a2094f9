#!/usr/bin/env python3
"""Structural check of deploy/: the Kubernetes manifests and the Dockerfile.

Nothing here can run a cluster or a Docker engine; this proves what can be proven
without them: every manifest parses as YAML, the required objects exist with their
required fields, and the objects agree with each other (selectors match labels, the HPA
targets the worker Deployment, envFrom names exist, kustomization lists every file, the
Secret holds placeholders only). PyYAML is used when present; otherwise (or with --mini)
a small parser for the YAML subset the manifests use. When PyYAML is present the two
parsers must agree, so the fallback stays honest.

usage: check_manifests.py DEPLOY_DIR [--mini]
"""
import os
import re
import sys


def strip_comment(line):
    quote = None
    for i, c in enumerate(line):
        if quote:
            quote = None if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def scalar(text):
    if text[:1] in "\"'" and text[-1:] == text[:1]:
        return text[1:-1]
    if text == "{}":
        return {}
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip()
        return [scalar(p.strip()) for p in inner.split(",")] if inner else []
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text in ("true", "false"):
        return text == "true"
    return text


KEY = re.compile(r"^([A-Za-z0-9_.\-/]+):(?:\s+(.*))?$")


def parse_block(lines, i):
    if lines[i][1].startswith("-"):
        return parse_seq(lines, i, lines[i][0])
    return parse_map(lines, i, lines[i][0])


def parse_map(lines, i, indent):
    out = {}
    while i < len(lines) and lines[i][0] == indent and not lines[i][1].startswith("-"):
        m = KEY.match(lines[i][1])
        if not m:
            raise ValueError("not a mapping line: %r" % lines[i][1])
        key, rest = m.group(1), (m.group(2) or "").strip()
        i += 1
        nested = i < len(lines) and (lines[i][0] > indent or (lines[i][0] == indent and lines[i][1].startswith("-")))
        if rest:
            out[key] = scalar(rest)
        elif nested:
            out[key], i = parse_block(lines, i)
        else:
            out[key] = None
    return out, i


def parse_seq(lines, i, indent):
    out = []
    while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("-"):
        content = lines[i][1][1:].strip()
        if not content:
            item, i = parse_block(lines, i + 1)
        elif KEY.match(content):
            lines[i] = (indent + 2, content)  # "- key: v" opens a mapping one level in
            item, i = parse_map(lines, i, indent + 2)
        else:
            item, i = scalar(content), i + 1
        out.append(item)
    return out, i


def mini_load_all(text):
    docs, cur = [], []
    for raw in text.splitlines():
        if raw.strip() == "---":
            docs.append(cur)
            cur = []
            continue
        line = strip_comment(raw)
        if line.strip():
            cur.append((len(line) - len(line.lstrip(" ")), line.strip()))
    docs.append(cur)
    return [parse_block(d, 0)[0] for d in docs if d]


def load_all(path, force_mini):
    with open(path) as f:
        text = f.read()
    mini = mini_load_all(text)
    if force_mini:
        return mini
    try:
        import yaml
    except ImportError:
        return mini
    docs = [d for d in yaml.safe_load_all(text) if d is not None]
    if docs != mini:
        raise AssertionError("%s: the fallback parser disagrees with PyYAML" % path)
    return docs


class Checker:
    def __init__(self):
        self.errors = []

    def expect(self, cond, msg):
        if not cond:
            self.errors.append(msg)
        return cond


def dig(obj, *path):
    for p in path:
        if isinstance(obj, dict):
            obj = obj.get(p)
        elif isinstance(obj, list) and isinstance(p, int) and p < len(obj):
            obj = obj[p]
        else:
            return None
    return obj


def check_deployment(c, d, names_by_kind):
    name = dig(d, "metadata", "name")
    selector = dig(d, "spec", "selector", "matchLabels") or {}
    labels = dig(d, "spec", "template", "metadata", "labels") or {}
    c.expect(selector and all(labels.get(k) == v for k, v in selector.items()),
             "Deployment %s: selector does not match its pod labels" % name)
    containers = dig(d, "spec", "template", "spec", "containers") or []
    c.expect(containers, "Deployment %s: no containers" % name)
    for ct in containers:
        c.expect(ct.get("name") and ct.get("image"), "Deployment %s: a container lacks name or image" % name)
        for ref in ct.get("envFrom", []):
            for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                if key in ref:
                    c.expect(ref[key]["name"] in names_by_kind.get(kind, set()),
                             "Deployment %s: envFrom names a missing %s %s" % (name, kind, ref[key]["name"]))
    c.expect(dig(d, "spec", "template", "spec", "securityContext", "runAsNonRoot") is True,
             "Deployment %s: pods must run as non-root" % name)


def check_cross_refs(c, objects, names_by_kind):
    deployments = [o for o in objects if o.get("kind") == "Deployment"]
    for hpa in (o for o in objects if o.get("kind") == "HorizontalPodAutoscaler"):
        target = dig(hpa, "spec", "scaleTargetRef") or {}
        c.expect(target.get("kind") == "Deployment" and target.get("name") in names_by_kind.get("Deployment", set()),
                 "HPA %s targets no Deployment of ours" % dig(hpa, "metadata", "name"))
        c.expect(0 < dig(hpa, "spec", "minReplicas") <= dig(hpa, "spec", "maxReplicas"), "HPA replica bounds")
    for svc in (o for o in objects if o.get("kind") == "Service"):
        selector = dig(svc, "spec", "selector") or {}
        backing = [d for d in deployments
                   if all((dig(d, "spec", "template", "metadata", "labels") or {}).get(k) == v
                          for k, v in selector.items())]
        c.expect(len(backing) == 1, "Service %s must select exactly one Deployment" % dig(svc, "metadata", "name"))
        ports = {p.get("name") for d in backing for ct in dig(d, "spec", "template", "spec", "containers") or []
                 for p in ct.get("ports", [])}
        for p in dig(svc, "spec", "ports") or []:
            c.expect(p.get("targetPort") in ports, "Service port %s targets no container port" % p.get("name"))
    for secret in (o for o in objects if o.get("kind") == "Secret"):
        for key, value in (secret.get("stringData") or {}).items():
            c.expect("CHANGE_ME" in str(value), "Secret %s: %s must be a placeholder" % (secret["metadata"]["name"], key))


def check_k8s(c, k8s_dir, force_mini):
    objects, files = [], sorted(f for f in os.listdir(k8s_dir) if f.endswith(".yaml"))
    for f in files:
        for doc in load_all(os.path.join(k8s_dir, f), force_mini):
            c.expect(doc.get("apiVersion") and doc.get("kind"), "%s: apiVersion and kind are required" % f)
            if doc.get("kind") != "Kustomization":
                c.expect(dig(doc, "metadata", "name"), "%s: metadata.name is required" % f)
            objects.append(doc)
    names_by_kind = {}
    for o in objects:
        names_by_kind.setdefault(o.get("kind"), set()).add(dig(o, "metadata", "name"))
    for kind, name in (("Deployment", "arbor-worker"), ("Deployment", "arbor-api"),
                       ("HorizontalPodAutoscaler", "arbor-worker"), ("Service", "arbor-api"),
                       ("ConfigMap", "arbor-config"), ("Secret", "arbor-secrets")):
        c.expect(name in names_by_kind.get(kind, set()), "missing %s %s" % (kind, name))
    for d in (o for o in objects if o.get("kind") == "Deployment"):
        check_deployment(c, d, names_by_kind)
    check_cross_refs(c, objects, names_by_kind)
    kustomization = [o for o in objects if o.get("kind") == "Kustomization"]
    if c.expect(len(kustomization) == 1, "kustomization.yaml is required"):
        listed = set(kustomization[0].get("resources", []))
        c.expect(listed == set(files) - {"kustomization.yaml"}, "kustomization resources != manifest files")
    return len(objects)


def check_dockerfile(c, path):
    with open(path) as f:
        lines = [l.strip() for l in f if l.strip() and not l.lstrip().startswith("#")]
    froms = [l.split()[1] for l in lines if l.upper().startswith("FROM ")]
    c.expect(len(froms) >= 2, "Dockerfile must be multi-stage")
    c.expect(all(re.match(r"debian:(12|bookworm)", f) for f in froms), "Dockerfile stages must be Debian 12")
    c.expect(any("scripts/build.sh" in l for l in lines), "Dockerfile must build with scripts/build.sh")
    users = [l.split()[1] for l in lines if l.upper().startswith("USER ")]
    c.expect(users and users[-1] not in ("root", "0"), "the final image must not run as root")


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    deploy, force_mini = argv[1], "--mini" in argv[2:]
    c = Checker()
    n = check_k8s(c, os.path.join(deploy, "k8s"), force_mini)
    check_dockerfile(c, os.path.join(deploy, "Dockerfile"))
    for e in c.errors:
        print("FAIL:", e)
    print("%d objects checked, %d problems" % (n, len(c.errors)))
    return 1 if c.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
