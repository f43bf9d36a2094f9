#!/usr/bin/env python3
"""Structural check of deploy/: the Kubernetes manifests and the Dockerfile.

Nothing here can run a cluster or a Docker engine; this proves what can be proven
without them: every manifest parses as YAML, the required objects exist with their
required fields, and the objects agree with each other (selectors match labels, the HPA
targets the worker Deployment, envFrom names exist, kustomization lists every file, the
Secret holds placeholders only). PyYAML is used when present; otherwise (or with --mini)
a small parser for the YAML subset the manifests use. When PyYAML is present the two
parsers must agree, so the fallback stays honest.

The commands are checked against the real binary ($ARBOR): every container (and the
image's default CMD) must run an arbor subcommand that exists, i.e. `arbor CMD --help`
exits 0 and shows CMD's own usage (CLI11 answers `arbor nonsense --help` with the
top-level help and exit 0, so the exit code alone proves nothing), and every ConfigMap key
a container loads must be named in that command's help (or arbor's), so settings only
some other command reads do not ship.

usage: ARBOR=path/to/arbor check_manifests.py DEPLOY_DIR [--mini]
"""
import json
import os
import re
import subprocess
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


def pod_specs(objects):
    """(workload name, pod spec) of every object that runs containers."""
    for o in objects:
        name, kind = dig(o, "metadata", "name"), o.get("kind")
        if kind in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            yield name, dig(o, "spec", "template", "spec") or {}
        elif kind == "CronJob":
            yield name, dig(o, "spec", "jobTemplate", "spec", "template", "spec") or {}


def container_argv(ct, entrypoint, cmd):
    """What Kubernetes runs: `command` replaces the image's ENTRYPOINT (and drops its CMD),
    `args` replaces the CMD."""
    if ct.get("command") is not None:
        return list(ct["command"]) + list(ct.get("args") or [])
    return list(entrypoint) + list(ct["args"] if "args" in ct else cmd)


def container_runs(objects, entrypoint, cmd):
    """(where, argv, ConfigMap keys it loads) for every container, and the image's default."""
    config_maps = {dig(o, "metadata", "name"): o.get("data") or {} for o in objects if o.get("kind") == "ConfigMap"}
    runs = [("the image's default command (Dockerfile CMD)", list(entrypoint) + list(cmd), [])]
    for name, spec in pod_specs(objects):
        for ct in spec.get("containers", []) + spec.get("initContainers", []):
            keys = [k for ref in ct.get("envFrom", []) if "configMapRef" in ref
                    for k in config_maps.get(ref["configMapRef"]["name"], {})]
            runs.append(("%s container %s" % (name, ct.get("name")), container_argv(ct, entrypoint, cmd), keys))
    return runs


def subcommand_help(arbor, words):
    """The help of the longest leading run of `words` that is an arbor (sub)subcommand, and
    that run; (None, []) when the first word is no subcommand."""
    for k in range(len(words), 0, -1):
        r = subprocess.run([arbor] + words[:k] + ["--help"], capture_output=True, text=True, timeout=60)
        usage = r"^Usage: \S*arbor %s( |$)" % re.escape(" ".join(words[:k]))
        if r.returncode == 0 and re.search(usage, r.stdout, re.M):
            return r.stdout, words[:k]
    return None, []


def check_commands(c, runs, arbor):
    if not c.expect(arbor and os.access(arbor, os.X_OK),
                    "set ARBOR to the arbor binary: the commands the manifests run are checked against it"):
        return
    top = subprocess.run([arbor, "--help"], capture_output=True, text=True, timeout=60).stdout
    for where, argv, keys in runs:
        at = [i for i, a in enumerate(argv) if os.path.basename(a) == "arbor"]
        if not c.expect(at, "%s runs %s, not arbor" % (where, argv)):
            continue
        words = []
        for a in argv[at[0] + 1:]:
            if a.startswith("-"):
                break
            words.append(a)
        if not c.expect(words, "%s runs arbor without a subcommand" % where):
            continue
        help_text, cmd = subcommand_help(arbor, words)
        if not c.expect(help_text, "%s runs `arbor %s`: no such subcommand (`arbor %s --help` does not show its usage)"
                        % (where, " ".join(words), words[0])):
            continue
        for key in keys:
            c.expect(key in help_text or key in top,
                     "%s loads %s, which `arbor %s` does not read (not in its --help)" % (where, key, " ".join(cmd)))


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
    for kind, name in (("Deployment", "arbor-worker"), ("HorizontalPodAutoscaler", "arbor-worker"),
                       ("ConfigMap", "arbor-config"), ("Secret", "arbor-secrets")):
        c.expect(name in names_by_kind.get(kind, set()), "missing %s %s" % (kind, name))
    for d in (o for o in objects if o.get("kind") == "Deployment"):
        check_deployment(c, d, names_by_kind)
    check_cross_refs(c, objects, names_by_kind)
    kustomization = [o for o in objects if o.get("kind") == "Kustomization"]
    if c.expect(len(kustomization) == 1, "kustomization.yaml is required"):
        listed = set(kustomization[0].get("resources", []))
        c.expect(listed == set(files) - {"kustomization.yaml"}, "kustomization resources != manifest files")
    return objects


def dockerfile_lines(path):
    with open(path) as f:
        return [l.strip() for l in f if l.strip() and not l.lstrip().startswith("#")]


def exec_form(lines, instruction):
    """The JSON array of the last ENTRYPOINT or CMD (exec form), [] when there is none."""
    found = [l.split(None, 1)[1] for l in lines if l.split(None, 1)[0].upper() == instruction]
    return json.loads(found[-1]) if found else []


def check_dockerfile(c, lines):
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
    objects = check_k8s(c, os.path.join(deploy, "k8s"), force_mini)
    lines = dockerfile_lines(os.path.join(deploy, "Dockerfile"))
    check_dockerfile(c, lines)
    runs = container_runs(objects, exec_form(lines, "ENTRYPOINT"), exec_form(lines, "CMD"))
    check_commands(c, runs, os.environ.get("ARBOR"))
    for e in c.errors:
        print("FAIL:", e)
    print("%d objects and %d commands, %d problems" % (len(objects), len(runs), len(c.errors)))
    return 1 if c.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
