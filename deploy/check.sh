#!/usr/bin/env bash
# Checks the install manifests without a cluster: renders the kustomize bases deploy/ and
# deploy/broker/ with `kubectl kustomize` (kubectl 1.32 here; Debian's kubernetes-client 1.20,
# kustomize v2, on a fresh machine) and validates what they render: every document parses, the
# expected kinds and names are there, each CRD's openAPIV3Schema is a valid JSON Schema (draft 4),
# the RBAC names no wildcard and no Secrets, and the gateway runs non-root, read-only, without
# privilege escalation or capabilities, with probes and resource requests.
#
# Usage: deploy/check.sh [--no-install]
#   Installs kubectl (kubernetes-client), python3-yaml and python3-jsonschema with apt-get when
#   missing and run as root; with --no-install it exits 3 instead (tests use that to skip).
# Exit: 0 ok, 1 a check failed, 3 a tool is missing.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
install=1
[ "${1:-}" = "--no-install" ] && install=0

missing=()
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -c 'import yaml' >/dev/null 2>&1 || missing+=(python3-yaml)
python3 -c 'import jsonschema' >/dev/null 2>&1 || missing+=(python3-jsonschema)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$install" = 0 ] || [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "check.sh: missing ${missing[*]} (install with: apt-get install -y ${missing[*]})" >&2
    exit 3
  fi
  echo "check.sh: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kubectl kustomize "$ROOT/deploy" >"$work/base.yaml" \
  || { echo "check.sh: kubectl kustomize deploy/ failed" >&2; exit 1; }
kubectl kustomize "$ROOT/deploy/broker" >"$work/broker.yaml" \
  || { echo "check.sh: kubectl kustomize deploy/broker/ failed" >&2; exit 1; }

python3 - "$work/base.yaml" "$work/broker.yaml" "$ROOT/deploy/crds" <<'PY'
import os, sys, yaml, jsonschema

base_file, broker_file, crd_dir = sys.argv[1:4]
problems = []

def check(ok, what):
    if not ok:
        problems.append(what)
    return ok

def load(path):
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    for d in docs:
        check(isinstance(d, dict) and d.get("apiVersion") and d.get("kind")
              and d.get("metadata", {}).get("name"),
              "%s: a document without apiVersion, kind or metadata.name: %r" % (path, d)[:200])
    return docs

def named(docs):
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}

base = named(load(base_file))
broker = named(load(broker_file))

# --- the base: CRDs of every committed file, and the gateway's objects
plurals = sorted(f[:-len(".xclusterlink.io.yaml")] for f in os.listdir(crd_dir) if f.endswith(".yaml"))
check(plurals, "deploy/crds holds no CRD")
for plural in plurals:
    crd = base.get(("CustomResourceDefinition", plural + ".xclusterlink.io"))
    if not check(crd, "CRD %s.xclusterlink.io not rendered" % plural):
        continue
    spec = crd["spec"]
    check(spec["group"] == "xclusterlink.io", "CRD %s: group %s" % (plural, spec["group"]))
    versions = spec["versions"]
    check(len(versions) == 1 and versions[0]["served"] and versions[0]["storage"],
          "CRD %s: expected one served and stored version" % plural)
    v = versions[0]
    check("status" in v.get("subresources", {}), "CRD %s: no status subresource" % plural)
    schema = v["schema"]["openAPIV3Schema"]
    try:
        jsonschema.Draft4Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        problems.append("CRD %s: openAPIV3Schema is not a valid JSON Schema: %s" % (plural, e.message))
    check("spec" in schema.get("properties", {}), "CRD %s: schema has no spec" % plural)

for kind, name in [("Namespace", "xcl-system"), ("ServiceAccount", "xcl-gateway"),
                   ("ClusterRole", "xcl-gateway"), ("ClusterRoleBinding", "xcl-gateway"),
                   ("Role", "xcl-gateway-leader-election"),
                   ("RoleBinding", "xcl-gateway-leader-election"),
                   ("Deployment", "xcl-gateway"), ("Service", "xcl-gateway")]:
    check((kind, name) in base, "deploy/: no %s %s" % (kind, name))

def rules_ok(where, rules):
    for r in rules:
        check("*" not in r.get("verbs", []) and "*" not in r.get("resources", [])
              and "*" not in r.get("apiGroups", []), "%s: a wildcard rule %r" % (where, r))
        check("secrets" not in r.get("resources", []), "%s: access to Secrets %r" % (where, r))

role = base.get(("ClusterRole", "xcl-gateway"))
if role:
    rules_ok("ClusterRole xcl-gateway", role["rules"])
    readable = {res for r in role["rules"] if "watch" in r["verbs"] for res in r["resources"]}
    status = {res for r in role["rules"] if "update" in r["verbs"] for res in r["resources"]}
    for plural in plurals:
        check(plural in readable, "ClusterRole xcl-gateway cannot watch %s" % plural)
        check(plural + "/status" in status, "ClusterRole xcl-gateway cannot update %s/status" % plural)
lease = base.get(("Role", "xcl-gateway-leader-election"))
if lease:
    rules_ok("Role xcl-gateway-leader-election", lease["rules"])

dep = base.get(("Deployment", "xcl-gateway"))
if dep:
    pod = dep["spec"]["template"]["spec"]
    psc = pod.get("securityContext", {})
    check(psc.get("runAsNonRoot") is True, "Deployment: pod securityContext.runAsNonRoot is not true")
    check(psc.get("runAsUser", 0) != 0, "Deployment: pod runs as uid 0")
    check(pod.get("serviceAccountName") == "xcl-gateway", "Deployment: not the xcl-gateway ServiceAccount")
    for c in pod["containers"]:
        sc = c.get("securityContext", {})
        check(sc.get("readOnlyRootFilesystem") is True, "container %s: root filesystem writable" % c["name"])
        check(sc.get("allowPrivilegeEscalation") is False, "container %s: privilege escalation allowed" % c["name"])
        check(sc.get("capabilities", {}).get("drop") == ["ALL"], "container %s: capabilities not dropped" % c["name"])
        check(sc.get("runAsUser", psc.get("runAsUser", 0)) != 0, "container %s: runs as uid 0" % c["name"])
        check(c.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/readyz", "container %s: no /readyz probe" % c["name"])
        check(c.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/healthz", "container %s: no /healthz probe" % c["name"])
        check(c.get("resources", {}).get("requests"), "container %s: no resource requests" % c["name"])
    labels = dep["spec"]["template"]["metadata"]["labels"]
    svc = base.get(("Service", "xcl-gateway"))
    if svc:
        check(svc["spec"].get("type") == "LoadBalancer", "Service xcl-gateway: not a LoadBalancer")
        check(all(labels.get(k) == v for k, v in svc["spec"]["selector"].items()),
              "Service xcl-gateway: its selector does not select the gateway pods")

# --- the broker
for kind, name in [("Namespace", "xcl-broker"), ("Role", "xcl-broker-peer")]:
    check((kind, name) in broker, "deploy/broker/: no %s %s" % (kind, name))
brole = broker.get(("Role", "xcl-broker-peer"))
if brole:
    rules_ok("Role xcl-broker-peer", brole["rules"])
    check(brole["metadata"].get("namespace") == "xcl-broker", "Role xcl-broker-peer: not in xcl-broker")
    check({res for r in brole["rules"] for res in r["resources"]} == {"gatewayexips"},
          "Role xcl-broker-peer: resources other than gatewayexips")

if problems:
    for p in problems:
        print("check.sh: " + p, file=sys.stderr)
    sys.exit(1)
print("check.sh: ok: deploy/ renders %d objects (%d CRDs), deploy/broker/ %d" %
      (len(base), len(plurals), len(broker)))
PY
