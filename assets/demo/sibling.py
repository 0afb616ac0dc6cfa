"""A sibling of the demo org (issue 16): the same names with fresh ids, and planted differences.

Used by gen_org.py (`python3 assets/demo/gen_org.py --sibling SEED [-o PATH]`). Every id of the
demo org is replaced by a UUIDv5 of (SEED, old id), so the same SEED always gives the same file
and two seeds give two orgs that share no id. Licence ids (`cx2`, `wem`, …) are kept: the clone
design assumes they are equal across orgs (UNVERIFIED). The planted differences below are
listed in assets/demo/ORG.md ("Sibling orgs").
"""
import copy
import uuid

NS = uuid.UUID("6f1c2a4e-8a9b-4c3d-9e2f-0a1b2c3d4e5f")

# The planted differences (same for every SEED; only the ids change with it).
MISSING_SKILL = "Disputes"
RENAMED_QUEUE = ("Billing Tier 2", "Billing Tier II")
MISSING_ROLE = ("Chat Agent", "Agent")  # the role, and the role its holders hold instead
RENAMED_DIVISION = ("Collections", "Collection Services")
DRIFT_PROFICIENCY = ("diego.walsh@example.com", "Billing", 2.0)  # demo: Billing 4
DRIFT_QUEUE_LEFT = ("kenji.chen@example.com", "Support Tier 2")
DRIFT_EXTRA_ROLE = ("priya.costa@example.com", "Trainer")  # granted in the user's division
# A role whose permission set differs from its demo twin (for `clone --compare-roles`).
DIFFERING_ROLE = ("Supervisor", "routing:queue:edit")
CLIENTS = [
    {"clientId": "sibling", "clientSecret": "sibling-secret", "tokenTtlSeconds": 86400},
    # Scoped to two divisions: lists hide the rest, objectCounts still count it (TF #389).
    {"clientId": "sibling-scoped", "clientSecret": "sibling-scoped-secret",
     "tokenTtlSeconds": 86400, "visibleDivisions": ["Home", "Sales"]},
]


def fresh_ids(org, seed):
    """Every id in the demo org (licence ids excepted) → a new one derived from the seed."""
    ns = uuid.uuid5(NS, f"sibling:{seed}")
    old = []
    for key in ("divisions", "roles", "skills", "languages", "queues", "wrapupCodes", "trunks",
                "didPools", "extensionPools", "users", "flows", "skillGroups", "groups"):
        old += [x["id"] for x in org.get(key, []) if x.get("id")]
    return {i: str(uuid.uuid5(ns, i)) for i in old}, str(uuid.uuid5(ns, "org"))


def remap(value, ids):
    """The JSON value with every string that is an old id replaced by its new id."""
    if isinstance(value, dict):
        return {k: remap(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [remap(v, ids) for v in value]
    if isinstance(value, str):
        return ids.get(value, value)
    return value


def by_name(items, name):
    return next(x for x in items if x["name"] == name)


def by_email(users, email):
    return next(u for u in users if u["email"] == email)


def plant(s):
    """Applies the planted differences to the (already re-identified) sibling `s`."""
    skill = by_name(s["skills"], MISSING_SKILL)
    s["skills"].remove(skill)
    for u in s["users"]:
        u["skills"] = [x for x in u.get("skills", []) if x["id"] != skill["id"]]

    by_name(s["queues"], RENAMED_QUEUE[0])["name"] = RENAMED_QUEUE[1]
    by_name(s["divisions"], RENAMED_DIVISION[0])["name"] = RENAMED_DIVISION[1]

    gone, instead = by_name(s["roles"], MISSING_ROLE[0]), by_name(s["roles"], MISSING_ROLE[1])
    s["roles"].remove(gone)
    for u in s["users"]:
        for g in u.get("roles", []):
            if g["roleId"] == gone["id"]:
                g["roleId"] = instead["id"]

    email, skill_name, prof = DRIFT_PROFICIENCY
    sid = by_name(s["skills"], skill_name)["id"]
    u = by_email(s["users"], email)
    hits = [x for x in u["skills"] if x["id"] == sid]
    assert hits, f"{email} has no {skill_name} to drift"
    hits[0]["proficiency"] = prof

    email, queue = DRIFT_QUEUE_LEFT
    qid = by_name(s["queues"], queue)["id"]
    u = by_email(s["users"], email)
    assert qid in u["queueIds"], f"{email} is not in {queue}"
    u["queueIds"].remove(qid)

    email, role = DRIFT_EXTRA_ROLE
    u = by_email(s["users"], email)
    u["roles"].append({"roleId": by_name(s["roles"], role)["id"], "divisionId": u["divisionId"]})

    role, extra = DIFFERING_ROLE
    r = by_name(s["roles"], role)
    r["permissions"] = r.get("permissions", []) + [extra]


def make_sibling(org, seed):
    """The sibling org of `org` for `seed`."""
    ids, org_id = fresh_ids(org, seed)
    s = remap(copy.deepcopy(org), ids)
    s["name"] = f"{org['name']} (sibling {seed})"
    s["id"] = org_id
    s["oauthClients"] = copy.deepcopy(CLIENTS)
    plant(s)
    return s


def describe():
    """ORG.md lines describing the sibling and its planted differences."""
    return f"""
## Sibling orgs (issue 16): same names, fresh ids, planted differences

`python3 assets/demo/gen_org.py --sibling SEED [-o PATH]` writes a second org (default path
`assets/demo/sibling.json`) built from this one: every id (divisions, roles, skills, languages,
queues, wrap-up codes, flows, skill and member groups, trunks, pools, users) is replaced by a
UUIDv5 of (SEED, old id), so a SEED always gives the same file and no id is shared with the demo
org or with another SEED's sibling. Licence ids (`cx1`, `cx2`, `cx3`, `wem`, `collaborate`) stay
the same (the clone design assumes they are equal across orgs: UNVERIFIED). The committed
`assets/demo/sibling.json` is SEED `eu`; run it with `onboard sim --org assets/demo/sibling.json`
(`--seed` is an alias of `--org`). Its org name is `Acme Support (sibling eu)` and it has a fixed
org id. Planted differences (the same for every SEED):

- **OAuth clients**: `sibling` / `sibling-secret` sees everything; `sibling-scoped` /
  `sibling-scoped-secret` has `visibleDivisions: ["Home", "Sales"]` (see below). The demo's
  `demo` client does not exist there.
- **A skill missing**: `{MISSING_SKILL}` does not exist; the users who hold it in the demo org
  lack it.
- **A queue renamed**: `{RENAMED_QUEUE[0]}` is `{RENAMED_QUEUE[1]}` (same members, same limit).
- **A role missing**: `{MISSING_ROLE[0]}` does not exist; its holders hold `{MISSING_ROLE[1]}`
  (in the same division) instead.
- **A division renamed**: `{RENAMED_DIVISION[0]}` is `{RENAMED_DIVISION[1]}` (same objects).
- **Drift** on three users present in both orgs:
  - `{DRIFT_PROFICIENCY[0]}`: skill `{DRIFT_PROFICIENCY[1]}` at {DRIFT_PROFICIENCY[2]:g} (4 in the demo org);
  - `{DRIFT_QUEUE_LEFT[0]}`: has left the queue `{DRIFT_QUEUE_LEFT[1]}`;
  - `{DRIFT_EXTRA_ROLE[0]}`: an extra role `{DRIFT_EXTRA_ROLE[1]}` in their own division.
- **Role permissions**: the same as the demo's twins (below), except `{DIFFERING_ROLE[0]}`, which
  also has `{DIFFERING_ROLE[1]}` (a `role_definition_differs` for `clone --compare-roles`).
- Everything else (users, their grants, skills, languages, queues including unjoined
  memberships, licences, phones) is the demo org's, by name.
"""
