#!/usr/bin/env python3
"""Generates assets/demo/org.json (the built-in demo org, contract.md §4) deterministically.

Run from the repo root: python3 assets/demo/gen_org.py. Ids are UUIDv5 of a stable name, so a
re-run produces the same file. Facts an engineer needs are summarised in assets/demo/ORG.md.

`python3 assets/demo/gen_org.py --sibling SEED [-o PATH]` writes, instead, a sibling of the demo
org (issue 16: same names, fresh ids derived from SEED, planted differences; see sibling.py)
to PATH (default assets/demo/sibling.json) and leaves org.json and ORG.md alone.
"""
import argparse
import json
import uuid

from sibling import describe as describe_sibling, make_sibling

ap = argparse.ArgumentParser(description="Generate the demo org, or a sibling of it.")
ap.add_argument("--sibling", metavar="SEED", help="write a sibling org whose ids derive from SEED")
ap.add_argument("-o", "--output", metavar="PATH", help="where --sibling writes (default assets/demo/sibling.json)")
ARGS = ap.parse_args()
if ARGS.output and not ARGS.sibling:
    ap.error("-o/--output goes with --sibling")

NS = uuid.UUID("6f1c2a4e-8a9b-4c3d-9e2f-0a1b2c3d4e5f")


def uid(kind, name):
    return str(uuid.uuid5(NS, f"{kind}:{name}"))


DIVISIONS = ["Home", "Sales", "Support", "Billing", "Collections"]
divisions = [{"id": uid("division", d), "name": d, **({"homeDivision": True} if d == "Home" else {})}
             for d in DIVISIONS]
DIV = {d["name"]: d["id"] for d in divisions}

ROLES = [
    ("Agent", "cx2"), ("Senior Agent", "cx2"), ("Chat Agent", "cx2"), ("Outbound Agent", "cx2"),
    ("Trainer", "cx2"), ("Supervisor", "cx3"), ("Team Lead", "cx3"), ("Quality Evaluator", "cx3"),
    ("Workforce Manager", "cx3"), ("Master Admin", "cx3"), ("admin", "cx3"),
    ("Employee", "cx1"), ("Reporting Analyst", "cx1"), ("Communicate User", "cx1"),
    ("Billing Admin", None), ("Telephony Admin", None), ("Directory Admin", None),
    ("Read Only", None), ("API Integration", None), ("Auditor", None),
]
roles = []
for name, lic in ROLES:
    r = {"id": uid("role", name), "name": name}
    if lic:
        r["baseLicense"] = lic
    roles.append(r)
ROLE = {r["name"]: r["id"] for r in roles}
# Permission sets of a few roles (answered as permissionPolicies; issue 16's --compare-roles).
PERMISSIONS = {
    "Agent": ["conversation:call:accept", "conversation:message:accept", "routing:queue:join"],
    "Supervisor": ["analytics:queueObservation:view", "quality:evaluation:view",
                   "routing:queue:join", "routing:queue:view"],
    "Team Lead": ["analytics:queueObservation:view", "routing:queue:join", "routing:queue:view"],
    "Employee": ["directory:user:view"],
}
for r in roles:
    if r["name"] in PERMISSIONS:
        r["permissions"] = PERMISSIONS[r["name"]]

SKILLS = [
    "Billing", "Returns", "Refunds", "Payments", "Disputes", "Collections", "Payment Plans",
    "Fraud", "Sales", "Upsell", "Renewals", "Retention", "Enterprise Accounts", "SMB Accounts",
    "Technical Support", "Networking", "Hardware", "Software", "Mobile Apps", "Password Reset",
    "Account Setup", "Onboarding", "Escalations", "VIP", "Chat", "Email", "Social Media",
    "Warranty", "Shipping", "Orders", "Product Catalog", "Pricing", "Invoicing", "Tax",
    "Credit Check", "Compliance", "Complaints", "Accessibility", "Outbound Dialing", "Callbacks",
    "Surveys", "Knowledge Base", "Training", "Quality Review", "Scheduling", "Reporting",
    "Hardware Repairs", "Installation", "Cancellations", "Loyalty Program",
]
assert len(SKILLS) == len(set(SKILLS)) == 50
skills = [{"id": uid("skill", s), "name": s} for s in SKILLS]
SK = {s["name"]: s["id"] for s in skills}

LANGS = ["English", "Spanish", "French", "German", "Portuguese", "Italian", "Dutch", "Japanese",
         "Mandarin", "Arabic"]
languages = [{"id": uid("language", l), "name": l} for l in LANGS]
LG = {l["name"]: l["id"] for l in languages}

QUEUES = [
    ("General", "Home"), ("Overflow", "Home"), ("Reception", "Home"), ("Escalations", "Home"),
    ("Sales Inbound", "Sales"), ("Sales Outbound", "Sales"), ("Sales Renewals", "Sales"),
    ("Sales Enterprise", "Sales"), ("Sales SMB", "Sales"), ("Sales Chat", "Sales"),
    ("Support Tier 1", "Support"), ("Support Tier 2", "Support"), ("Support Tier 3", "Support"),
    ("Technical Support", "Support"), ("Returns", "Support"), ("Warranty Claims", "Support"),
    ("Support Chat", "Support"), ("Support Email", "Support"), ("VIP Support", "Support"),
    ("Spanish Support", "Support"), ("French Support", "Support"),
    ("Billing Tier 1", "Billing"), ("Billing Tier 2", "Billing"), ("Billing Disputes", "Billing"),
    ("Payments", "Billing"), ("Refunds", "Billing"),
    ("Collections Early Stage", "Collections"), ("Collections Late Stage", "Collections"),
    ("Collections Recovery", "Collections"), ("Payment Plans", "Collections"),
]
assert len(QUEUES) == 30
QDIV = {q: d for q, d in QUEUES}

FIRST = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Isabella",
         "Lucas", "Mia", "Mateo", "Amelia", "Ethan", "Harper", "Aiden", "Evelyn", "Diego",
         "Chloe", "Omar", "Priya", "Kenji", "Fatima", "Wei", "Sofia", "Jonas", "Leila", "Tomas",
         "Nadia", "Ravi"]
LAST = ["Martin", "Garcia", "Smith", "Johnson", "Brown", "Lee", "Wilson", "Lopez", "Nguyen",
        "Patel", "Kim", "Silva", "Rossi", "Muller", "Dubois", "Tanaka", "Cohen", "Novak",
        "Haddad", "Okafor", "Jensen", "Costa", "Ibrahim", "Schmidt", "Moreau", "Kowalski",
        "Fischer", "Santos", "Chen", "Walsh"]

N_USERS = 300
# per division: (queues agents join, skills pool, department)
DIV_PROFILE = {
    "Home": (["General", "Overflow", "Reception", "Escalations"],
             ["Escalations", "VIP", "Complaints", "Knowledge Base", "Training"], "Operations"),
    "Sales": (["Sales Inbound", "Sales Outbound", "Sales Renewals", "Sales Enterprise",
               "Sales SMB", "Sales Chat"],
              ["Sales", "Upsell", "Renewals", "Retention", "Enterprise Accounts", "SMB Accounts",
               "Pricing", "Outbound Dialing"], "Sales"),
    "Support": (["Support Tier 1", "Support Tier 2", "Support Tier 3", "Technical Support",
                 "Returns", "Warranty Claims", "Support Chat", "Support Email", "VIP Support",
                 "Spanish Support", "French Support"],
                ["Technical Support", "Networking", "Hardware", "Software", "Mobile Apps",
                 "Password Reset", "Returns", "Warranty", "Shipping", "Orders", "Chat", "Email"],
                "Customer Support"),
    "Billing": (["Billing Tier 1", "Billing Disputes", "Payments", "Refunds"],
                ["Billing", "Refunds", "Payments", "Disputes", "Invoicing", "Tax"], "Billing"),
    "Collections": (["Collections Early Stage", "Collections Late Stage", "Collections Recovery",
                     "Payment Plans"],
                    ["Collections", "Payment Plans", "Credit Check", "Compliance", "Fraud"],
                    "Collections"),
}
DIV_ORDER = ["Sales", "Support", "Billing", "Collections", "Home"]

# Billing Tier 2: exactly 18 members; memberLimit 20.
BT2_MEMBERS = 18

names = []
seen = set()
i = 0
while len(names) < N_USERS:
    f = FIRST[i % len(FIRST)]
    l = LAST[(i * 7 + i // len(FIRST)) % len(LAST)]
    i += 1
    if (f, l) in seen:
        continue
    seen.add((f, l))
    names.append((f, l))

users = []
supervisors = {}  # division -> list of supervisor ids
did_a_next = 100  # +13175550100 ...
uk_next = 0
ext_next = 1000
bt2 = 0
for n, (f, l) in enumerate(names):
    div = "Home" if n == 0 else DIV_ORDER[n % 5]
    qs_pool, sk_pool, dept = DIV_PROFILE[div]
    email = f"{f.lower()}.{l.lower()}@example.com"
    u = {"id": uid("user", email), "name": f"{f} {l}", "email": email, "divisionId": DIV[div],
         "department": dept}
    if n % 47 == 20:
        state = "deleted"
    elif n % 23 == 11:
        state = "inactive"
    else:
        state = "active"
    u["state"] = state
    k = n // 5  # index within division
    if n == 0:
        role, title = "Master Admin", "Contact Center Administrator"
    elif k % 12 == 1:
        role, title = "Supervisor", f"{dept} Supervisor"
    elif k % 12 == 2 and div != "Home":
        role, title = "Team Lead", f"{dept} Team Lead"
    elif k % 20 == 5:
        role, title = "Quality Evaluator", "Quality Evaluator"
    elif k % 20 == 9:
        role, title = "Reporting Analyst", "Reporting Analyst"
    elif k % 7 == 3:
        role, title = "Senior Agent", f"Senior {dept} Agent"
    elif k % 11 == 6:
        role, title = "Chat Agent", "Chat Agent"
    else:
        role, title = "Agent", f"{dept} Agent"
    u["title"] = title
    grants = [{"roleId": ROLE["Employee"], "divisionId": DIV["Home"]},
              {"roleId": ROLE[role], "divisionId": DIV[div]}]
    if role == "Master Admin":
        grants.append({"roleId": ROLE["admin"], "divisionId": DIV["Home"]})
    u["roles"] = grants
    if role in ("Supervisor", "Master Admin") and state == "active":
        supervisors.setdefault(div, []).append(u["id"])
    elif supervisors.get(div):
        u["managerId"] = supervisors[div][-1]
    is_agent = role in ("Agent", "Senior Agent", "Chat Agent", "Team Lead", "Supervisor")
    if is_agent:
        s1 = sk_pool[n % len(sk_pool)]
        s2 = sk_pool[(n // 3 + 1) % len(sk_pool)]
        sk = [{"id": SK[s1], "proficiency": float(1 + n % 5)}]
        if s2 != s1:
            sk.append({"id": SK[s2], "proficiency": float(1 + (n // 2) % 5)})
        u["skills"] = sk
        lg = [{"id": LG["English"], "proficiency": 5.0}]
        extra = LANGS[1 + n % 9] if n % 4 == 0 else None
        if extra:
            lg.append({"id": LG[extra], "proficiency": float(2 + n % 4)})
        u["languages"] = lg
        q = [qs_pool[n % len(qs_pool)]]
        q2 = qs_pool[(n // 5 + 2) % len(qs_pool)]
        if q2 not in q:
            q.append(q2)
        if div == "Billing" and state != "deleted" and bt2 < BT2_MEMBERS:
            q.append("Billing Tier 2")
            bt2 += 1
        if state == "deleted":
            q = []
        u["queueIds"] = [uid("queue", x) for x in q]
    # licences from roles
    lic = set()
    for g in grants:
        base = dict(ROLES)[[r for r in ROLE if ROLE[r] == g["roleId"]][0]]
        if base:
            lic.add(base)
    # one base licence: the highest
    best = "cx3" if "cx3" in lic else "cx2" if "cx2" in lic else "cx1"
    lics = [best]
    if role in ("Supervisor", "Quality Evaluator", "Master Admin") or (is_agent and n % 6 == 0):
        lics.append("wem")
    if n % 10 == 3:
        lics.append("collaborate")
    u["licenses"] = [] if state == "deleted" else lics
    addrs = []
    if state != "deleted" and role != "Reporting Analyst":
        if div == "Home" and n % 2 == 0 and uk_next < 10:
            addrs.append({"address": f"+4420712300{uk_next:02d}", "mediaType": "PHONE", "type": "WORK"})
            uk_next += 1
        elif is_agent and did_a_next < 240:
            addrs.append({"address": f"+1317555{did_a_next:04d}", "mediaType": "PHONE", "type": "WORK"})
            did_a_next += 1
        if ext_next < 1200:
            addrs.append({"extension": str(ext_next), "mediaType": "PHONE", "type": "WORK2"})
            ext_next += 1
    u["addresses"] = addrs
    if state != "deleted" or n % 2 == 1:
        u["externalIds"] = [{"authorityName": "workday", "externalKey": f"E{1000 + n}"}]
    users.append(u)

# Memberships a user has without being joined (GET /users/{id}/queues?joined=false; issue 16):
# a capture that reads only joined=true misses them.
UNJOINED = {"tomas.silva@example.com": "Billing Disputes", "leila.brown@example.com": "Support Tier 1",
            "elijah.silva@example.com": "Sales Inbound"}
for u in users:
    if u["email"] in UNJOINED:
        qid = uid("queue", UNJOINED[u["email"]])
        assert u["state"] == "active" and qid not in u["queueIds"]
        u["unjoinedQueueIds"] = [qid]

queues = []
members = {q: 0 for q, _ in QUEUES}
for u in users:
    if u["state"] == "deleted":
        continue
    for qid in u.get("queueIds", []) + u.get("unjoinedQueueIds", []):
        for q, _ in QUEUES:
            if uid("queue", q) == qid:
                members[q] += 1
for q, d in QUEUES:
    limit = members[q] + 2 if q == "Billing Tier 2" else 1000
    queues.append({"id": uid("queue", q), "name": q, "divisionId": DIV[d], "memberLimit": limit})

assigned = {}
for u in users:
    for l in u["licenses"]:
        assigned[l] = assigned.get(l, 0) + 1
LIC = [("cx1", "Genesys Cloud CX 1", assigned.get("cx1", 0) + 60),
       ("cx2", "Genesys Cloud CX 2", assigned.get("cx2", 0) + 250),
       ("cx3", "Genesys Cloud CX 3", assigned.get("cx3", 0) + 3),
       ("wem", "Workforce Engagement Management", assigned.get("wem", 0) + 40),
       ("collaborate", "Genesys Cloud Collaborate", assigned.get("collaborate", 0) + 25)]
licenses = [{"id": i, "description": d, "seats": s} for i, d, s in LIC]

phone_active = sum(1 for u in users if u["state"] == "active" and u["addresses"])
trunks = [
    {"id": uid("trunk", "Carrier A"), "name": "Carrier A - Primary SIP", "inService": True, "channels": 120},
    {"id": uid("trunk", "Carrier B"), "name": "Carrier B - Secondary SIP", "inService": True,
     "channels": phone_active - 120 + 12},
    {"id": uid("trunk", "Carrier C"), "name": "Carrier C - Backup", "inService": False, "channels": 60},
]

did_pools = [
    {"id": uid("didpool", "US-A"), "startPhoneNumber": "+13175550100", "endPhoneNumber": "+13175550399"},
    {"id": uid("didpool", "US-B"), "startPhoneNumber": "+13175551000", "endPhoneNumber": "+13175551099"},
    {"id": uid("didpool", "UK"), "startPhoneNumber": "+442071230000", "endPhoneNumber": "+442071230049"},
]
ext_pools = [
    {"id": uid("extpool", "1000"), "startNumber": "1000", "endNumber": "1999"},
    {"id": uid("extpool", "5000"), "startNumber": "5000", "endNumber": "5099"},
]
WRAPUPS = [("Resolved", "Home"), ("Callback Scheduled", "Home"), ("Escalated", "Home"),
           ("Sale Made", "Sales"), ("No Sale", "Sales"), ("Refund Issued", "Billing"),
           ("Payment Taken", "Collections"), ("Promise To Pay", "Collections"),
           ("Ticket Created", "Support"), ("Wrong Number", "Home")]
wrapups = [{"id": uid("wrapup", w), "name": w, "divisionId": DIV[d]} for w, d in WRAPUPS]
# What a queue list can name (issue 15): in-queue flows of each type (and an inbound flow, for
# flow_type_mismatch), skill groups and groups for a queue's memberGroups.
FLOWS = [("Standard Hold", "inqueuecall", "Home"), ("Spanish Hold", "inqueuecall", "Support"),
         ("Billing Hold", "inqueuecall", "Billing"), ("Email Hold", "inqueueemail", "Home"),
         ("SMS Hold", "inqueueshortmessage", "Home"), ("Main IVR", "inboundcall", "Home")]
flows = [{"id": uid("flow", n), "name": n, "type": t, "divisionId": DIV[d]} for n, t, d in FLOWS]
SKILL_GROUPS = [("Billing Experts", "Billing"), ("Spanish Speakers", "Support"),
                ("Collections Team", "Collections")]
skill_groups = [{"id": uid("skillgroup", n), "name": n, "divisionId": DIV[d]} for n, d in SKILL_GROUPS]
GROUPS = ["Night Shift", "Escalation Team", "Team Leads"]
groups = [{"id": uid("group", n), "name": n} for n in GROUPS]

org = {
    "name": "Acme Support",
    "oauthClients": [{"clientId": "demo", "clientSecret": "demo-secret", "tokenTtlSeconds": 86400}],
    "divisions": divisions, "roles": roles, "skills": skills, "languages": languages,
    "queues": queues, "wrapupCodes": wrapups, "licenses": licenses, "trunks": trunks,
    "didPools": did_pools, "extensionPools": ext_pools, "users": users,
    "flows": flows, "skillGroups": skill_groups, "groups": groups,
}
if ARGS.sibling:
    path = ARGS.output or "assets/demo/sibling.json"
    with open(path, "w") as fh:
        json.dump(make_sibling(org, ARGS.sibling), fh, indent=1)
        fh.write("\n")
    raise SystemExit(0)

with open("assets/demo/org.json", "w") as fh:
    json.dump(org, fh, indent=1)
    fh.write("\n")

# ------------------------------------------------------------------ ORG.md (generated facts)
by_id = {u["id"]: u for u in users}
st = {}
for u in users:
    st[u["state"]] = st.get(u["state"], 0) + 1
rname = {r["id"]: r["name"] for r in roles}
qname = {q["id"]: q["name"] for q in queues}
dname = {d["id"]: d["name"] for d in divisions}
out = []
w = out.append
w("# The demo org \"Acme Support\" (assets/demo/org.json)\n")
w("Generated by `python3 assets/demo/gen_org.py` (deterministic; re-run after editing the script).")
w("Served by `onboard sim` / `onboard demo`. OAuth client: `demo` / `demo-secret`, token TTL 86400 s.")
w("All emails are `first.last@example.com`. Everything below is exact.\n")
w("## Divisions\n")
for d in divisions:
    w(f"- {d['name']}{' (home division)' if d.get('homeDivision') else ''} — `{d['id']}`")
w("\n## Roles (name → base licence)\n")
for r in roles:
    w(f"- {r['name']} → {r.get('baseLicense', '(no licence)')}")
w("\nNote: `admin` is lowercase (the real org's built-in admin role). Role grants default to the user's division.")
w("\n## Routing skills (50)\n")
w(", ".join(SKILLS))
w("\nNear-miss spellings that exist only as typos: e.g. `Biling` (→ Billing), `Retuns` (→ Returns).")
w("\n## Languages (10)\n")
w(", ".join(LANGS))
w("\n## Queues (30): name — division — current members / memberLimit\n")
for q in queues:
    w(f"- {q['name']} — {dname[q['divisionId']]} — {members[q['name']]} / {q['memberLimit']}")
w(f"\n**Billing Tier 2** (Billing) has {members['Billing Tier 2']} members and memberLimit "
  f"{members['Billing Tier 2'] + 2}: the 3rd new member added at run time fails with 400 "
  "`queue.size.limit` (pre-flight cannot see the limit; the API exposes no such field).")
w("Queue members count non-deleted users (active and inactive).")
w("\n## Wrap-up codes\n")
w(", ".join(f"{x} ({d})" for x, d in WRAPUPS))
w("\n## Flows (name — type as `GET /api/v2/flows?type=` takes it — division)\n")
for n, t, d in FLOWS:
    w(f"- {n} — `{t}` — {d}")
w("\n`Main IVR` is an inbound call flow: naming it as an in-queue flow is a flow of the wrong type.")
w("\n## Skill groups and groups (a queue's `memberGroups`)\n")
w("Skill groups: " + ", ".join(f"{n} ({d})" for n, d in SKILL_GROUPS) + ". Groups: " + ", ".join(GROUPS) + ".")
w("Every demo queue has the settings of a new queue (below) and no wrap-up codes or member groups.")
w("\n## Licences: id — description — seats (billing prepaidQuantity) — assigned (actualQuantity) — free\n")
for i, d, s in LIC:
    w(f"- `{i}` — {d} — {s} — {assigned.get(i, 0)} — {s - assigned.get(i, 0)}")
w("\n**cx3 is almost exhausted: 3 free seats.** Four or more new Supervisors / Team Leads / "
  "Quality Evaluators / Workforce Managers / admins (any cx3 role) trip `license_shortfall`.")
w("cx2 has 250 free seats, so ~150 new Agents fit.")
w("\n## Trunks\n")
for t in trunks:
    w(f"- {t['name']} — {'in service' if t['inService'] else '**OUT OF SERVICE**'} — {t['channels']} channels"
      " (served as trunk base settings property `trunk_max_calls`)")
w(f"\nIn-service channels: {120 + trunks[1]['channels']}. Active users with a phone (DID or extension): "
  f"{phone_active} (all users with a phone incl. inactive: {sum(1 for u in users if u['addresses'])}). "
  f"So **{120 + trunks[1]['channels'] - phone_active} free channels**: the 13th new phone-enabled agent trips "
  "`trunk_capacity`. Carrier B is the one near capacity; Carrier C is out of service (`trunk_out_of_service`).")
w("\n## DID pools (inclusive)\n")
for p in did_pools:
    w(f"- {p['startPhoneNumber']} – {p['endPhoneNumber']}")
w("\nTaken DIDs (owner type USER, work phone of an existing user): **+13175550100 … +13175550239** "
  "(140 numbers) and **+442071230000 … +442071230009** (10 numbers). Every other number in the pools is free, "
  "e.g. +13175550240 … +13175550399, the whole +13175551000 … +13175551099 pool, +442071230010 … +442071230049.")
w("Numbers outside every pool (→ `did_unavailable`): e.g. +13175559999, +14155550123.")
taken_did = {a['address']: u['email'] for u in users for a in u['addresses'] if 'address' in a}
w(f"Example taken DIDs: +13175550100 ({taken_did['+13175550100']}), +13175550150 ({taken_did['+13175550150']}), +442071230000 ({taken_did['+442071230000']}).")
w("\n## Extension pools (inclusive)\n")
for p in ext_pools:
    w(f"- {p['startNumber']} – {p['endNumber']}")
taken_ext = {a['extension']: u['email'] for u in users for a in u['addresses'] if 'extension' in a}
w(f"\nTaken extensions: **1000 … 1199** (200, one per user). Free: 1200 … 1999 and 5000 … 5099. "
  f"Outside every pool (→ `extension_conflict`): e.g. 3000, 999, 12345. "
  f"Example taken: 1000 ({taken_ext['1000']}), 1100 ({taken_ext['1100']}).")
w("\n## Users\n")
w(f"{len(users)} users: {st['active']} active, {st['inactive']} inactive, {st['deleted']} deleted. "
  "Deleted users hold no licences, queues or phones.\n")
w("Inactive (a hire row with this email → `inactive_user`, reactivated):")
for u in users:
    if u["state"] == "inactive":
        w(f"- {u['email']} ({dname[u['divisionId']]}, {u['title']})")
w("\nDeleted (a hire row with this email → `deleted_user`, restored):")
for u in users:
    if u["state"] == "deleted":
        ex = u.get("externalIds")
        w(f"- {u['email']} ({dname[u['divisionId']]}, {u['title']})" + (f", external id workday:{ex[0]['externalKey']}" if ex else ""))
w("\nSome active users (→ `existing_user`, updated), with their queues:")
shown = 0
for u in users:
    if u["state"] == "active" and u.get("queueIds") and shown < 12:
        shown += 1
        ex = u.get("externalIds")
        w(f"- {u['email']} — {dname[u['divisionId']]}, {u['title']}, workday:{ex[0]['externalKey']}, queues: "
          + "; ".join(qname[q] for q in u["queueIds"]))
w("\nActive supervisors (good `manager_email` values), by division:")
for d, ids in supervisors.items():
    w(f"- {d}: " + ", ".join(by_id[i]["email"] for i in ids))
w("\nMaster admin: olivia.martin@example.com (Home; roles Master Admin + admin + Employee).")
w("\n## External ids\n")
w("Authority **`workday`**, key `E` + (1000 + index in org.json): every active and inactive user has one, "
  "keys E1000 … E1299 minus most deleted users' (deleted users keep theirs only where listed above). "
  "E.g. " + ", ".join(f"workday:{u['externalIds'][0]['externalKey']} = {u['email']}" for u in users[1:4]) + ".")
w("Keys above E1299 (e.g. workday:E5001) are free.")
w("\n## Every user's grants\n")
w("Each user holds `Employee`@Home plus one main role in their own division (Agent, Senior Agent, Chat Agent, "
  "Team Lead, Supervisor, Quality Evaluator, Reporting Analyst, or Master Admin). Licences: the highest base "
  "licence of their roles, plus `wem` for Supervisors / Quality Evaluators / some agents, plus `collaborate` for some.")
with open("assets/demo/ORG.md", "w") as fh:
    fh.write("\n".join(out) + "\n")

SEMANTICS = """
## How the simulator answers (choices where the real API is UNVERIFIED)

- `POST /api/v2/users` → 200 with the `User`; `state` omitted = active. Email taken by any user
  (any state, case-insensitive) → 409 `general.conflict`, `details[0].entityId` = that user's id.
  `divisionId` missing or empty → 400 `required.field.missing` (see below).
- `PATCH /api/v2/users/{id}` needs `version` (missing → 400 `required.field.missing`); a stale one
  is answered in one of four wordings (see below). With `state`, only the state changes.
- `DELETE /api/v2/users/{id}` → 200 `{}`. Deleting drops the user's queues, licences, grants and
  phone/extension addresses; restoring (`PATCH {state, version}`) brings the user back in Home.
- A DID or extension held by another user → 400 `bad.request` (details errorCode
  `phone.number.in.use` / `extension.in.use`); an extension outside every pool → 400 `invalid.value`,
  unless the user already holds it (so a client can send the user's contacts back unchanged).
- Queue members `POST` → 204; over the member limit → 400 `queue.size.limit` and nothing is added.
  `GET …/members` pages by `nextUri` (its listing has no `total`).
- Grants (`bulkadd`/`bulkremove`/`bulkreplace`, `POST /authorization/roles/{id}`, division moves) → 204.
- `POST /api/v2/license/organization` → 200 `[{userId, licenseId, result}]`; `result` is `Success` or
  starts with `Failure:` (e.g. no seats left); an unknown licence id → 400 `invalid.value`.
- `GET /users/{id}/externalid/{authority}` → one `UserExternalIdentifier` (as the SDK models it).
- `POST /users/{id}/externalid` → 200 with ONE `UserExternalIdentifier` (see below).
- Search without a `state` criterion returns active and inactive users, never deleted ones.
- `/__sim/stats` counts a `drop_after_commit` response under status `"0"`.

## Queues (issue 15): how the simulator answers, and which choices are UNVERIFIED

- **New queues** (`POST /api/v2/routing/queues`) → 200 with the `Queue`. Defaults of a queue
  created with a name only: `acwSettings` `MANDATORY_TIMEOUT` with `timeoutMs` 30000,
  `skillEvaluationMethod` `ALL`, `scoringMethod` `TimestampAndPriority`, `autoAnswerOnly` true,
  `suppressInQueueCallRecording` true, `enableTranscription` and `enableManualAssignment` false
  (Terraform's schema defaults); `lastAgentRoutingMode` `Disabled`, `enableAudioMonitoring` false,
  every media alerting 8 s with service level 80 % in 20 s, email 300 s and 80 % in 24 h, and a
  timed prompt without `timeoutMs` gets 30000 — these are UNVERIFIED. The demo's 30 queues have
  exactly these settings.
- **Rules on create** (each answers 400 and creates nothing): no or blank `name` →
  `required.field.missing`; an unknown `division.id`, `sourceQueueId`, flow, member group or
  bullseye skill, or a flow of the wrong type (`queueFlow` takes `INQUEUECALL`, `emailInQueueFlow`
  `INQUEUEEMAIL`, `messageInQueueFlow` `INQUEUESHORTMESSAGE`) → `invalid.id`; an enum value the SDK
  does not list, alerting below 7 s, a service level below 1000 ms or outside 0–1, an ACW
  `timeoutMs` with `OPTIONAL` or `MANDATORY` or outside 1000–3600000 ms → `invalid.value`, with
  `details[0].fieldName` naming the field (e.g. `mediaSettings.call.alertingTimeoutSeconds`).
  Whether the server enforces the alerting and service-level minimums is UNVERIFIED (Terraform
  checks them client-side); the codes are the simulator's choice.
- **A queue name in use** (case-insensitive) → 409 `general.conflict`, `entityId` = the queue that
  has it. UNVERIFIED: the real API may answer 400; clients accept both.
- **`sourceQueueId`** copies the source's settings and wrap-up codes, not its members or member
  groups; fields the body sends win over the source's. UNVERIFIED (Terraform: "copy the settings
  (does not include GPR settings)").
- **`PUT /api/v2/routing/queues/{id}` replaces the whole queue.** Every field the body leaves out
  reverts to the defaults above and `memberGroups` to none (Terraform #1179 / PR #1241 is the
  evidence that the real API does this). The division is not changed by a `PUT`: moves go through
  `POST /api/v2/authorization/divisions/{id}/objects/QUEUE` (Terraform calls it after its `PUT`).
  Wrap-up codes and members are their own resources and stay. Renaming onto another queue's name →
  409. `dateModified` is set to now (always later than the last stamp) and `modifiedBy` to the
  OAuth client id (UNVERIFIED: the real API may name a user).
- **Kept as sent**: `routingRules`, `conditionalGroupRouting`, `conditionalGroupActivation`,
  `whisperPrompt`, `onHoldPrompt`, `defaultMediaLanguage`, `cannedResponseLibraries`,
  `agentOwnedRouting`, `directRouting`, `defaultScripts`, `outboundMessagingAddresses`, `peerId`
  and a media setting's other fields (e.g. `autoAnswerAlertToneSeconds`) are stored and answered
  exactly as written and, like the rest, dropped by a `PUT` that leaves them out.
  `outboundEmailAddress` needs `domain.id` and `route.id`; the simulator has no email domains, so
  they are not checked. `bullseye` and `outboundEmailAddress` are answered only when set.
- **`DELETE /api/v2/routing/queues/{id}`** → 204 (`forceDelete` is accepted; queues with members are
  deleted too). Deletes take effect at once (the real API's are eventually consistent: Terraform
  polls until a read answers 404).
- **A queue's wrap-up codes**: `GET …/wrapupcodes` pages (pageSize ≤ 100, `name` with a trailing
  `*`); `POST …/wrapupcodes` `[{id}]` → 200 with the codes sent (one already there stays once);
  none or more than 100 → 400 `bad.request`; an unknown code → 400 `invalid.id`;
  `DELETE …/wrapupcodes/{codeId}` → 204, a code not on the queue → 404 `not.found`.
- **`POST /api/v2/routing/wrapupcodes`** `{name, division?, description?}` → 200 `WrapupCode`; no
  name → 400 `required.field.missing`; a name in use (case-insensitive) → 409 `general.conflict`
  (UNVERIFIED); no division = home, an unknown one → 400 `invalid.id`.
- **Flows** (`GET /api/v2/flows`): `type` is taken in any case and answered upper case
  (`INQUEUECALL`, the SDK's `Flow.type` enum; Terraform's acceptance test reads `INBOUNDCALL`
  back). `name` matches case-insensitively anywhere in the name (UNVERIFIED; Terraform keeps only
  exact names from the answer, and so must a client). No flow is ever deleted.
- **Skill groups** (`GET /api/v2/routing/skillgroups`): `name` is a case-insensitive prefix (SDK
  doc); cursor paging with opaque `after`/`before` cursors in `nextUri`/`previousUri`, no `total`.
  **Groups** (`GET /api/v2/groups`): page-number listing with `id` filters, no name filter.
- **Fault `queue_lag_ms=N`** (models Terraform #1955): for N ms after this simulator created a
  queue, its members (`GET`/`POST …/members`), wrap-up codes (`GET`/`POST`/`DELETE`) and `PUT`
  answer 404 `not.found`, exactly as for a queue that does not exist. `GET` of the queue and the
  listing find it at once (a lookup by name after a lost create answer works). Seeded queues and
  queues restored from `--state` never lag.
- **`/__sim/stats`** adds `queues: {total}`, `duplicate_queue_names` (names held by more than one
  queue, case-insensitive; always 0 unless the simulator has a bug) and `wrapup_codes: {total}`.
- **Seed keys**: top-level `flows` (`{id?, name, type, divisionId?}`), `skillGroups`
  (`{id?, name, divisionId?, description?}`), `groups` (`{id?, name}`); on a queue `settings` (a
  `CreateQueueRequest`-shaped object, validated by the rules above; `dateCreated`, `dateModified`,
  `modifiedBy` are read too), `wrapupCodeIds` and `memberGroups` (`[{id, type}]`). All optional;
  `--state` writes them back.

## Where the simulator follows the real API rather than the SDK (genesys-api.md §11)

The SDK's declarations are not the authority; Genesys's Terraform provider
(`MyPureCloud/terraform-provider-genesyscloud` v1.84.1, code that runs against real orgs) is.

- **External-id POST answers one object.** `POST /users/{id}/externalid` → 200
  `{authorityName, externalKey, selfUri}` for the id just added, although the SDK declares a list.
  Evidence: TF bypasses the SDK for this call and decodes a single `UserExternalIdentifier`
  (`external_user/genesyscloud_externalusers_identity_proxy.go`, `custom_api_client.go`).
- **A DID and its extension are one contact.** `{"address": "+1…", "extension": "2001",
  "mediaType": "PHONE", "type": "WORK"}` is accepted; two entries with the same `mediaType` and
  `type` → 400 `invalid.value` ("Only one PHONE contact of type WORK is allowed."), and so is one
  number or extension on two entries. An `EMAIL` contact cannot carry an extension. `display` sent
  in is ignored (it is read-only). Evidence: TF `user/resource_genesyscloud_user_utils.go`
  (`buildSdkPhoneNumbers` sets `Address` and `Extension` on one `Contact`) and its acceptance test
  `TestAccResourceUserAddresses` expecting both on one entry; the SDK's "one entry per media type"
  text is read as one entry per media type *and type*, since TF writes WORK, WORK2, HOME… side by side.
- **Phones read back in four shapes** (TF `flattenUserAddresses` comments):
  1. a number: `address` + `display` (the number) + `countryCode` (US/GB by prefix);
  2. an extension inside a pool: `extension` = `display`, and `address` filled as well (TF: "some
     orgs also populate Address for these"; the simulator puts the extension digits there — it is
     not the user's number);
  3. a number with its extension: `address` + `extension`, `display` = the number;
  4. an extension outside every pool (e.g. given before its pool existed): `display` only.
  `primaryContactInfo` lists the e-mail and the first number.
- **`PATCH` with `addresses` replaces the whole list** (TF test "removing all addresses" in
  `resource_genesyscloud_user_test.go`): contacts not sent are gone.
- **`CreateUser.divisionId` is required** (SDK `CreateUser.md`): missing, empty or blank → 400
  `required.field.missing`, `details[0].fieldName` = `divisionId`. The home division is never assumed.
- **Stale versions.** A PATCH with a stale `version` is answered, by a wording drawn from the
  fault seed (its own random stream, so it never shifts a seeded run's faults), with one of:
  409 `general.conflict` "The version supplied (V) does not match the current version of the
  user (C)."; 409 `general.conflict` "The user was modified by another request. Read it again and
  retry."; 400 `bad.request` "The version supplied does not match the current version of the
  user."; 409 `general.conflict` "Unable to save the user: it changed since it was read." The real
  text is UNVERIFIED; TF's `IsVersionMismatch` (`util/util_retries.go`) retries ANY 409 on an
  update and a 400 containing "does not match the current version", so a client must not read the
  message.
- **`expand` is best effort** (SDK parameter doc on `expand`): the fault `expand_drop=RATE` leaves
  every requested expansion (`skills`, `languages`, `authorization`, …) out of that share of reads.
- **Answers too large**: the fault `entity_too_large=N` answers a `GET` asking for `pageSize` > N
  with 400 `response.entity.too.large` (gc CLI: "reduce pageSize or expand").
- **Assumptions kept** (the client says where such figures came from, and a profile setting
  overrides them): licence seats = `prepaidQuantity − actualQuantity` of the billing product whose
  `id`/`sku` is the licence id; trunk channels from the trunk base property `trunk_max_calls`.
"""
CLONE = """
## Clone, drift and export (issue 16): how the simulator answers, and which choices are UNVERIFIED

- **Unjoined memberships.** A member of a queue may be *unjoined* (still a member, not routed
  to). Seed: a user's `unjoinedQueueIds` (beside `queueIds`); `--state` writes them back.
  `GET /api/v2/users/{id}/queues` answers `UserQueue`s (the queue's fields plus `joined`),
  page-number paged; **`joined` defaults to true** (gc CLI `users_queues.go`), so only
  `joined=false` lists the unjoined ones. `PATCH /api/v2/users/{id}/queues/{queueId}`
  `{"joined": bool}` joins or unjoins one membership (a queue the user is not in → 404).
  `GET /routing/queues/{id}/members` lists both, each with its `joined`; a queue's
  `joinedMemberCount` counts the joined ones only. Queue members added by
  `POST …/members` are joined. In this org: """ + "; ".join(f"`{e}` is an unjoined member of {q}" for e, q in UNJOINED.items()) + """.
- **Groups: members and inherited grants** (the demo's groups have none; seed groups may carry
  `memberIds` (user ids) and `grants` (`[{roleId, divisionId}]`, no division = home); `--state`
  writes them back). `GET /api/v2/authorization/subjects/{id}` lists the user's own grants
  (`subjectId` = the user), then each of the user's groups' grants with `subjectId` = the
  group's id (the client keeps only its own). `bulkadd`/`bulkremove`/`bulkreplace` and the
  single-grant routes change only the user's own grants. A queue whose `memberGroups` names a
  GROUP has that group's members as members: `GET /routing/queues/{id}/members` lists them after
  the direct members, `"memberBy": "group"` (a user who is both is listed once, as `user`; the
  `memberBy` filter is honoured), paged the same. `POST …/members?delete=true` removes only
  direct memberships, so a group-derived one survives. **`GET /api/v2/users/{id}/queues` lists
  direct memberships only** (UNVERIFIED: the real `UserQueue` list may include group-derived
  ones; it carries no `memberBy`). **A direct add (`POST …/members`) of a user who is a member
  only through a group answers 204 and makes the user a direct member too** (UNVERIFIED: the
  real API may answer an error, code unknown — Terraform's `queue_member_via_group`).
- **`POST /api/v2/routing/skills`** and **`POST /api/v2/routing/languages`** `{"name": …}` → 200
  with the new `RoutingSkill` / `Language`. No or blank name → 400 `required.field.missing`; a
  name in use (case-insensitive) → **409 `general.conflict`**, `entityId` = the holder
  (UNVERIFIED: the real API may answer 400; clients look the name up and adopt it).
- **Utilization** (`GET`/`PUT`/`DELETE /api/v2/routing/users/{id}/utilization`): `GET` answers an
  `AgentMaxUtilizationResponse` with every media type (`call`, `callback`, `chat`, `email`,
  `message`, `workitem`): the user's own settings where a `PUT` set them (`level` `Agent`), the
  org's defaults otherwise (`level` `Organization`; defaults call 1, callback 1, chat 4, email 1,
  message 4, workitem 1: UNVERIFIED). `PUT` (`UtilizationRequest`) stores exactly the media types
  it sends and answers like `GET`; an unknown media type, a `maximumCapacity` outside 0–25 or an
  unknown interruptable type → 400 `invalid.value`. `DELETE` → 204, the user follows the org again.
- **Role permissions.** Seed roles may carry `permissions` (`domain:entity:action` strings);
  `GET /api/v2/authorization/roles/{id}` (and the role list) answer them as `permissions` and as
  `permissionPolicies`, one `{domain, entityName, actionSet, allowConditions}` per
  `domain:entity`. In this org: """ + "; ".join(f"{r}: {', '.join(p)}" for r, p in PERMISSIONS.items()) + """; other roles have none.
- **Limited visibility** (Terraform #389). A seed OAuth client may carry `visibleDivisions`
  (division ids or names). For its tokens, `GET /api/v2/users`, user search, `GET
  /api/v2/routing/queues` and `GET /api/v2/routing/wrapupcodes` leave out objects in other
  divisions; `GET /api/v2/authorization/divisions` still lists every division, and with
  `objectCount=true` its `objectCounts` (`USER`: users not deleted, `QUEUE`) count everything.
- **`writes_with_unknown_ids`** in `/__sim/stats`: by route (`METHOD /path/template`), the write
  requests rejected because an id in their path or body is unknown in this org (an id of
  another org, e.g. not translated by a clone): user create/patch (division, manager), grants
  (role, division, subject), user skills and languages, queue members, queue settings (division,
  flows, member groups, source queue, wrap-up codes), licence batches (unknown licence, or a user
  id a batch reports `Failure: user … not found`), division moves, utilization and queue
  memberships of an unknown user. An id that names a deleted user or an object of the wrong
  kind in this org is not counted. The simulator has no station or phone writes.
"""
with open("assets/demo/ORG.md", "a") as fh:
    fh.write(SEMANTICS)
    fh.write(CLONE)
    fh.write(describe_sibling())
