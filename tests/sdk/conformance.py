"""Drives the simulator with Genesys's official Python SDK (PureCloudPlatformClientV2).

Usage: python conformance.py BASE_URL LIMITED_URL QUEUES_URL QUEUE_IDS SIBLING_URL
  BASE_URL    a simulator with the demo org and no rate limit
  LIMITED_URL a simulator with the demo org and a rate limit of 3 per 1 s
  QUEUES_URL  a simulator with the queue org (tests/common/queue_org.rs), no rate limit
  QUEUE_IDS   its ids, comma-separated: premium queue, in-queue call flow, inbound call flow,
              skill group "Billing Experts", group "Night Shift"
  SIBLING_URL a simulator with assets/demo/sibling.json (issue 16's sibling org), no rate limit

Every successful body is checked strictly against the SDK's models (every JSON key must be a
field of the model, with the right type, and enum values the SDK knows), then deserialized
by the SDK; error bodies must deserialize into ErrorBody. Prints "OK n checks" and exits 0,
or prints each failure and exits 1.
"""
import base64
import json
import sys
import urllib.error
import urllib.request

import PureCloudPlatformClientV2 as g
from PureCloudPlatformClientV2 import models
from PureCloudPlatformClientV2.rest import ApiException

BASE, LIMITED, QUEUES = sys.argv[1], sys.argv[2], sys.argv[3]
PREMIUM, CALL_FLOW, INBOUND_FLOW, BILLING_EXPERTS, NIGHT_SHIFT = sys.argv[4].split(",")
SIBLING = sys.argv[5]
failures = []
checks = 0


def check(cond, msg):
    global checks
    checks += 1
    if not cond:
        failures.append(msg)
        print("FAIL:", msg, flush=True)


# ---- strict shape check against the SDK's models -------------------------------------------

def strict(data, klass, path):
    if data is None:
        return
    if klass.startswith("list["):
        check(isinstance(data, list), f"{path}: expected a list, got {type(data).__name__}")
        if isinstance(data, list):
            for i, x in enumerate(data):
                strict(x, klass[5:-1], f"{path}[{i}]")
        return
    if klass.startswith("dict("):
        sub = klass[klass.index(",") + 1:-1].strip()
        check(isinstance(data, dict), f"{path}: expected an object")
        if isinstance(data, dict):
            for k, v in data.items():
                strict(v, sub, f"{path}.{k}")
        return
    if klass == "object":
        return
    if klass == "str" or klass in ("date", "datetime"):
        check(isinstance(data, str), f"{path}: expected a string, got {data!r}")
        return
    if klass == "int":
        check(isinstance(data, int) and not isinstance(data, bool), f"{path}: expected an int, got {data!r}")
        return
    if klass == "float":
        check(isinstance(data, (int, float)) and not isinstance(data, bool), f"{path}: expected a number, got {data!r}")
        return
    if klass == "bool":
        check(isinstance(data, bool), f"{path}: expected a bool, got {data!r}")
        return
    cls = getattr(models, klass, None)
    check(cls is not None, f"{path}: unknown model {klass}")
    if cls is None:
        return
    inst = cls()
    by_json = {v: k for k, v in inst.attribute_map.items()}
    check(isinstance(data, dict), f"{path}: expected a {klass} object, got {data!r}")
    if not isinstance(data, dict):
        return
    for key, val in data.items():
        if key not in by_json:
            check(False, f"{path}: {klass} has no field '{key}'")
            continue
        strict(val, inst.swagger_types[by_json[key]], f"{path}.{key}")


_orig = g.ApiClient.deserialize


def _hooked(self, response, response_type):
    if response_type and response.data:
        strict(json.loads(response.data), response_type, response_type)
    obj = _orig(self, response, response_type)
    if obj is not None:
        text = repr(obj.to_dict() if hasattr(obj, "to_dict") else obj)
        check("outdated_sdk_version" not in text, f"{response_type}: an enum value the SDK does not know: {text[:300]}")
    return obj


g.ApiClient.deserialize = _hooked


class _Resp:
    def __init__(self, data):
        self.data = data

    def getheader(self, name, default=None):
        return "application/json"


def expect_error(fn, status, code, what):
    try:
        fn()
    except ApiException as e:
        check(e.status == status, f"{what}: status {e.status}, expected {status}")
        body = json.loads(e.body)
        strict(body, "ErrorBody", f"{what} ErrorBody")
        eb = api_client.deserialize(_Resp(e.body), "ErrorBody")
        check(eb.code == code, f"{what}: code {eb.code}, expected {code}")
        check(eb.status == status, f"{what}: body status {eb.status}")
        check(bool(eb.message) and bool(eb.context_id), f"{what}: message/contextId missing")
        hdr = {k.lower(): v for k, v in e.headers.items()}
        check(hdr.get("inin-correlation-id") == eb.context_id, f"{what}: ININ-Correlation-Id != contextId")
        return eb
    check(False, f"{what}: expected HTTP {status} {code}, but the call succeeded")
    return None


# ---- token ---------------------------------------------------------------------------------

g.configuration.host = BASE
try:
    g.api_client.ApiClient().get_client_credentials_token("demo", "wrong-secret")
    check(False, "a wrong client secret must be refused")
except ApiException as e:
    check(e.status == 401, f"wrong secret: status {e.status}, expected 401")

api_client = g.api_client.ApiClient().get_client_credentials_token("demo", "demo-secret")
check(bool(api_client.access_token), "no access token")
users = g.UsersApi(api_client)
authz = g.AuthorizationApi(api_client)
routing = g.RoutingApi(api_client)
lic = g.LicenseApi(api_client)
billing = g.BillingApi(api_client)
tel = g.TelephonyProvidersEdgeApi(api_client)

# ---- lists ----------------------------------------------------------------------------------

page = users.get_users(page_size=100, page_number=2)
check(page.total == 281 and page.page_count == 3 and len(page.entities) == 100, f"get_users page: {page.total} {page.page_count}")
check(page.next_uri is not None and page.previous_uri is not None, "get_users: next/previous uri")
u0 = page.entities[0]
check(u0.id and u0.name and u0.email and u0.division and u0.division.id and u0.version == 1, "User fields")
check(u0.state == "active" and u0.username == u0.email and u0.chat and u0.chat.jabber_id, "User state/username/chat")
any_page = users.get_users(page_size=1, state="any")
check(any_page.total == 300, f"state=any total {any_page.total}")

olivia = users.get_users(page_size=1, expand=["skills", "languages", "authorization"]).entities[0]
check(olivia.email == "olivia.martin@example.com", "first user")
check(olivia.authorization is not None and len(olivia.authorization.roles) == 3, "expand authorization")
check(any(a.extension == "1000" for a in olivia.addresses), "addresses extension")
check(olivia.primary_contact_info[0].media_type == "EMAIL", "primaryContactInfo")

divs = authz.get_authorization_divisions(page_size=25, object_count=True)
check(divs.total == 5 and all(d.name for d in divs.entities), "divisions")
home = authz.get_authorization_divisions_home()
check(home.home_division is True and home.name == "Home", "home division")
sales = [d for d in divs.entities if d.name == "Sales"][0]
roles = authz.get_authorization_roles(page_size=100)
check(roles.total == 20, f"roles total {roles.total}")
agent = [r for r in roles.entities if r.name == "Agent"][0]
sup = [r for r in roles.entities if r.name == "Supervisor"][0]
check(agent.base_license == "cx2" and sup.base_license == "cx3" and agent.user_count > 0, "role baseLicense/userCount")
holders = authz.get_authorization_role_subjectgrants(agent.id, page_size=100)
check(holders.total == agent.user_count, f"role subjectgrants total {holders.total} vs userCount {agent.user_count}")
check(all(h.id and h.divisions and all(d.id for d in h.divisions) for h in holders.entities), "subjectgrants: subjects with divisions")

# The org itself (journals are bound to its id) and its per-token limit (the token pool).
orgs = g.OrganizationApi(api_client)
me = orgs.get_organizations_me()
check(bool(me.id) and me.name == "Acme Support", f"organizations/me: {me.id} {me.name}")
# Without a rate limit the simulator names none.
check(orgs.get_organizations_limits_namespace("platform.api").entities == [], "no limit: no entities")

skills = routing.get_routing_skills(page_size=100)
check(skills.total == 50, "skills total")
billing_skill = routing.get_routing_skills(name="Bill").entities[0]
check(billing_skill.name == "Billing" and billing_skill.state == "active", "skill prefix")
langs = routing.get_routing_languages(page_size=100)
check(langs.total == 10, "languages")
spanish = [x for x in langs.entities if x.name == "Spanish"][0]
queues = routing.get_routing_queues(page_size=100, division_id=[sales.id])
check(queues.total == 6 and all(q.division.id == sales.id for q in queues.entities), "queues by division")
bt2 = routing.get_routing_queues(name="Billing Tier 2").entities[0]
check(bt2.member_count == 18, f"Billing Tier 2 memberCount {bt2.member_count}")
check(routing.get_routing_queues(name="Billing*").total == 3, "queue wildcard")
wr = routing.get_routing_wrapupcodes(page_size=100)
check(wr.total == 10 and wr.entities[0].division is not None, "wrapup codes")

# ---- create, duplicate, search, patch, stale patch -----------------------------------------

body = g.CreateUser()
body.name = "Ada Lovelace"
body.email = "ada.sdk@example.com"
body.division_id = sales.id
body.department = "Sales"
body.title = "Agent"
c = g.Contact()
c.address = "+13175550301"
c.media_type = "PHONE"
c.type = "WORK"
body.addresses = [c]
ada = users.post_users(body)
check(ada.id and ada.version == 1 and ada.division.id == sales.id and ada.addresses[0].address == "+13175550301", "create user")
dup = g.CreateUser()
dup.name = "Dup"
dup.email = "ADA.SDK@example.com"
dup.division_id = home.id
expect_error(lambda: users.post_users(dup), 409, "general.conflict", "duplicate email")
dup.email = "priya.jensen@example.com"
expect_error(lambda: users.post_users(dup), 409, "general.conflict", "duplicate of a deleted user's email")

def crit(typ, fields, value=None, values=None):
    c = g.UserSearchCriteria()
    c.type = typ
    c.fields = fields
    if value is not None:
        c.value = value
    if values is not None:
        c.values = values
    return c

req = g.UserSearchRequest()
req.page_size = 25
req.page_number = 1
req.query = [crit("EXACT", ["email"], values=["ada.sdk@example.com", "olivia.martin@example.com"])]
res = users.post_users_search(req)
check(res.total == 2 and len(res.results) == 2 and res.results[0].email, "search by emails")
req = g.UserSearchRequest()
req.page_size = 5
req.query = [crit("STARTS_WITH", ["name"], value="olivia")]
res = users.post_users_search(req)
check(res.total > 5 and res.next_page, "search paging")
res2 = users.get_users_search(res.next_page)
check(res2.page_number == 2 and res2.results[0].id != res.results[0].id, "search q64")

upd = g.UpdateUser()
upd.version = 1
upd.title = "Senior Agent"
ada2 = users.patch_user(ada.id, upd)
check(ada2.version == 2 and ada2.title == "Senior Agent", "patch user")
stale = g.UpdateUser()
stale.version = 1
stale.title = "Lead"
# A stale version: 409 in one of several wordings, or the 400 "does not match the current
# version" (Terraform's IsVersionMismatch); the wording is drawn from the simulator's seed.
try:
    users.patch_user(ada.id, stale)
    check(False, "stale patch: expected a version conflict, but the call succeeded")
except ApiException as e:
    eb = api_client.deserialize(_Resp(e.body), "ErrorBody")
    strict(json.loads(e.body), "ErrorBody", "stale patch ErrorBody")
    check(e.status == 409 or (e.status == 400 and "does not match the current version" in eb.message),
          f"stale patch: {e.status} {eb.code} {eb.message}")

# divisionId is required on create (SDK CreateUser.md).
nodiv = g.CreateUser()
nodiv.name = "No Division"
nodiv.email = "nodiv.sdk@example.com"
expect_error(lambda: users.post_users(nodiv), 400, "required.field.missing", "create without divisionId")

# A DID and its extension are ONE work contact; it reads back as number + extension.
both = g.CreateUser()
both.name = "Both"
both.email = "both.sdk@example.com"
both.division_id = home.id
bc = g.Contact()
bc.address = "+14155550302"
bc.extension = "1996"
bc.media_type = "PHONE"
bc.type = "WORK"
both.addresses = [bc]
bu = users.post_users(both)
check(len(bu.addresses) == 1 and bu.addresses[0].address == "+14155550302" and bu.addresses[0].extension == "1996", "one contact with address + extension")
two = g.CreateUser()
two.name = "Two"
two.email = "two.sdk@example.com"
two.division_id = home.id
c1, c2 = g.Contact(), g.Contact()
c1.address, c1.media_type, c1.type = "+13175550303", "PHONE", "WORK"
c2.address, c2.media_type, c2.type = "+13175550304", "PHONE", "WORK"
two.addresses = [c1, c2]
expect_error(lambda: users.post_users(two), 400, "invalid.value", "two WORK phone contacts")

# ---- skills / languages bulk ----------------------------------------------------------------

def post(id_, p, klass):
    x = klass()
    x.id = id_
    x.proficiency = p
    return x

returns = routing.get_routing_skills(name="Returns").entities[0]
sk = users.patch_user_routingskills_bulk(ada.id, [post(billing_skill.id, 4.0, g.UserRoutingSkillPost), post(returns.id, 2.5, g.UserRoutingSkillPost)])
check(sk.total == 2 and sk.entities[0].name and sk.entities[0].proficiency in (4.0, 2.5), "skills bulk patch")
sk = routing.put_user_routingskills_bulk(ada.id, [post(returns.id, 3.0, g.UserRoutingSkillPost)])
check(sk.total == 1 and sk.entities[0].id == returns.id, "skills bulk put")
lg = users.patch_user_routinglanguages_bulk(ada.id, [post(spanish.id, 3.0, g.UserRoutingLanguagePost)])
check(lg.total == 1 and lg.entities[0].name == "Spanish", "languages bulk patch")
check(users.get_user_routingskills(ada.id).total == 1, "get user skills")
check(users.get_user_routinglanguages(ada.id).entities[0].proficiency == 3.0, "get user languages")
expect_error(lambda: users.patch_user_routingskills_bulk(ada.id, [post(billing_skill.id, 1.0, g.UserRoutingSkillPost)] * 51), 400, "bad.request", "51 skills")
one = users.post_user_routingskills(ada.id, post(billing_skill.id, 5.0, g.UserRoutingSkillPost))
check(one.name == "Billing" and one.proficiency == 5.0, "post one skill")

# ---- grants -------------------------------------------------------------------------------

grants = g.RoleDivisionGrants()
rd = g.RoleDivision()
rd.role_id = agent.id
rd.division_id = sales.id
grants.grants = [rd]
authz.post_authorization_subject_bulkadd(ada.id, grants, subject_type="PC_USER")
subj = authz.get_authorization_subject(ada.id)
check(len(subj.grants) == 1 and subj.grants[0].role.id == agent.id and subj.grants[0].division.id == sales.id, "bulkadd grants")
ur = users.get_user_roles(ada.id)
check(ur.roles[0].name == "Agent", "user roles")
sd = g.SubjectDivisions()
sd.subject_ids = [ada.id]
sd.division_ids = [home.id]
authz.post_authorization_role(sup.id, sd, subject_type="PC_USER")
check(len(authz.get_authorization_subject(ada.id).grants) == 2, "role bulk grant")
authz.post_authorization_subject_bulkreplace(ada.id, grants)
check(len(authz.get_authorization_subject(ada.id).grants) == 1, "bulkreplace")
authz.post_authorization_division_object(home.id, "USER", [ada.id])
check(users.get_user(ada.id).division.id == home.id, "division move")
authz.post_authorization_division_object(sales.id, "USER", [ada.id])

# ---- queue members --------------------------------------------------------------------------

def we(i):
    x = g.WritableEntity()
    x.id = i
    return x

routing.post_routing_queue_members(bt2.id, [we(ada.id)], delete=False)
members = routing.get_routing_queue_members(bt2.id, page_size=100)
check(any(m.id == ada.id and m.user and m.user.id == ada.id for m in members.entities), "queue members")
uq = users.get_user_queues(ada.id)
check(uq.total == 1 and uq.entities[0].name == "Billing Tier 2" and uq.entities[0].joined is True, "user queues")
extra = []
for i in range(2):
    b = g.CreateUser()
    b.name = f"Queue Filler {i}"
    b.email = f"filler{i}@example.com"
    b.division_id = home.id
    extra.append(users.post_users(b).id)
expect_error(lambda: routing.post_routing_queue_members(bt2.id, [we(x) for x in extra]), 400, "queue.size.limit", "queue member limit")
routing.post_routing_queue_members(bt2.id, [we(ada.id)], delete=True)
check(users.get_user_queues(ada.id).total == 0, "queue member delete")

# ---- external ids ---------------------------------------------------------------------------

ext = g.UserExternalIdentifier()
ext.authority_name = "workday"
ext.external_key = "E5001"
# The SDK declares a list here, but the real API answers ONE UserExternalIdentifier
# (Terraform decodes an object: docs/genesys-api-notes.md §11.1). Call the endpoint with that type, then
# prove the id landed by reading it back.
one = api_client.call_api("/api/v2/users/{userId}/externalid", "POST", {"userId": ada.id}, {},
                          {"Accept": "application/json", "Content-Type": "application/json"},
                          body=ext, post_params=[], files={},
                          response_type="UserExternalIdentifier", auth_settings=["PureCloud OAuth"])
check(one.authority_name == "workday" and one.external_key == "E5001", f"post external id answers one object: {one}")
ids = users.get_user_externalid(ada.id)
check(len(ids) == 1 and ids[0].authority_name == "workday" and ids[0].external_key == "E5001", "post external id landed")
by_ext = users.get_users_externalid_authority_name_external_key("workday", "E5001")
check(by_ext.id == ada.id, "user by external id")
check(len(users.get_user_externalid(ada.id)) == 1, "list external ids")
check(users.get_user_externalid_authority_name(ada.id, "workday").external_key == "E5001", "external id by authority")
expect_error(lambda: users.get_users_externalid_authority_name_external_key("workday", "E9999"), 404, "not.found", "unknown external id")

# ---- licences and billing -------------------------------------------------------------------

defs = lic.get_license_definitions()
check(sorted(d.id for d in defs) == ["collaborate", "cx1", "cx2", "cx3", "wem"], "license definitions")
req = g.LicenseBatchAssignmentRequest()
a = g.LicenseAssignmentRequest()
a.license_id = "cx2"
a.user_ids_add = [ada.id]
a.user_ids_remove = []
req.assignments = [a]
st = lic.post_license_organization(body=req)
check(len(st) == 1 and st[0].user_id == ada.id and st[0].license_id == "cx2" and st[0].result == "Success", "license assign")
lu = lic.get_license_user(ada.id)
check(lu.licenses[0].id == "cx2", "license user")
lus = lic.get_license_users(page_size=500)
live = users.get_users(page_size=1).total + users.get_users(page_size=1, state="inactive").total
check(lus.total == live and any(e.id == ada.id and e.licenses == ["cx2"] for e in lus.entities), "license users")
many = lic.post_license_users(body=[ada.id])
check(many.get(ada.id) == ["cx2"], f"post license users: {many}")
# cx3 has 3 free seats: the 4th add fails for that user.
fill = []
for i in range(4):
    b = g.CreateUser()
    b.name = f"Sup {i}"
    b.email = f"sup{i}.sdk@example.com"
    b.division_id = home.id
    fill.append(users.post_users(b).id)
a = g.LicenseAssignmentRequest()
a.license_id = "cx3"
a.user_ids_add = fill
req.assignments = [a]
st = lic.post_license_organization(body=req)
check([x.result == "Success" for x in st] == [True, True, True, False], f"seat limit: {[x.result for x in st]}")
contracts = billing.get_billing_contracts()
con = contracts.entities[0]
check(con.status == "Active" and con.billing_periods and con.billing_periods[0].id, "billing contracts")
det = billing.get_billing_contract_billingperiod(con.id, con.billing_periods[0].id)
cx3 = [c for c in det.charges if c.product.id == "cx3"][0]
check(cx3.product.sku == "cx3" and cx3.product.name == "Genesys Cloud CX 3", "billing product")
check(cx3.prepaid_quantity == 58 and cx3.actual_quantity == 58, f"billing quantities {cx3.prepaid_quantity} {cx3.actual_quantity}")

# ---- telephony ------------------------------------------------------------------------------

trunks = tel.get_telephony_providers_edges_trunks()
check(trunks.total == 3 and sum(1 for t in trunks.entities if t.in_service is False) == 1, "trunks")
check(all(t.trunk_base and t.trunk_base.id for t in trunks.entities), "trunkBase refs")
tb = tel.get_telephony_providers_edges_trunkbasesetting(trunks.entities[0].trunk_base.id)
check(tb.properties["trunk_max_calls"]["value"]["instance"] == 120, f"trunk_max_calls {tb.properties}")
check(tel.get_telephony_providers_edges_trunkbasesettings().total == 3, "trunkbasesettings list")
pools = tel.get_telephony_providers_edges_didpools()
check(pools.total == 3 and pools.entities[0].start_phone_number.startswith("+"), "did pools")
dids = tel.get_telephony_providers_edges_didpools_dids("ASSIGNED_AND_UNASSIGNED", number_match="13175550301")
check(dids.total == 1 and dids.entities[0].assigned is True and dids.entities[0].owner.id == ada.id and dids.entities[0].owner_type == "USER", "dids owner")
free = tel.get_telephony_providers_edges_didpools_dids("UNASSIGNED", page_size=1)
check(free.total == 299, f"unassigned dids {free.total}")
check(tel.get_telephony_providers_edges_extensionpools().total == 2, "extension pools")
d = tel.get_telephony_providers_edges_dids(phone_number="+13175550301")
check(d.total == 1 and d.entities[0].owner.id == ada.id and d.entities[0].did_pool.id, "dids by phone number")
ex = tel.get_telephony_providers_edges_extensions(number="1000")
check(ex.entities[0].owner.id == olivia.id and ex.entities[0].extension_pool.id, "extensions")

# ---- invite and password (void responses) --------------------------------------------------

users.post_user_invite(ada.id, force=True)
pw = g.ChangePasswordRequest()
pw.new_password = "a-long-enough-secret"
users.post_user_password(ada.id, pw)
pw.new_password = "short"
expect_error(lambda: users.post_user_password(ada.id, pw), 400, "invalid.value", "weak password")

# ---- soft delete and restore ----------------------------------------------------------------

users.delete_user(ada.id)
expect_error(lambda: users.get_user(ada.id), 404, "not.found", "get deleted user")
gone = users.get_user(ada.id, state="deleted")
check(gone.state == "deleted", "read deleted user")
req = g.UserSearchRequest()
req.query = [crit("EXACT", ["email"], value="ada.sdk@example.com"), crit("EXACT", ["state"], values=["deleted"])]
found = users.post_users_search(req)
check(found.total == 1 and found.results[0].id == ada.id, "search deleted")
restore = g.UpdateUser()
restore.version = gone.version
restore.state = "active"
back = users.patch_user(ada.id, restore)
check(back.state == "active" and back.division.id == home.id, "restore")

# ---- 404 / 401 ------------------------------------------------------------------------------

expect_error(lambda: users.get_user("00000000-0000-4000-8000-000000000000"), 404, "not.found", "unknown user")
bad_client = g.api_client.ApiClient()
bad_client.access_token = "not-a-token"
expect_error(lambda: g.UsersApi(bad_client).get_users(), 401, "bad.credentials", "bad token")

# ---- 429 ------------------------------------------------------------------------------------

g.configuration.host = LIMITED
limited = g.api_client.ApiClient().get_client_credentials_token("demo", "demo-secret")
# The per-token limit (3 per second here) as the org reports it, per minute.
limits = g.OrganizationApi(limited).get_organizations_limits_namespace("platform.api")
rate = [l for l in limits.entities if l.key == "client.credentials.token.rate.per.minute"]
check(len(rate) == 1 and rate[0].namespace == "platform.api" and rate[0].value == 180, f"platform.api limits: {limits.entities}")
lapi = g.RoutingApi(limited)
for _ in range(5):
    # The SDK's urllib3 retries a 429 after Retry-After, so every call normally ends well;
    # a urllib3 that does not retry must see the real 429.
    try:
        check(lapi.get_routing_skills(page_size=1).total == 50, "rate-limited call")
    except ApiException as e:
        check(e.status == 429, f"rate-limited call: status {e.status}")
        eb = api_client.deserialize(_Resp(e.body), "ErrorBody")
        check(eb.code == "too.many.requests.retry.after", "429 code via the SDK")
stats = json.loads(urllib.request.urlopen(LIMITED + "/__sim/stats").read())
check(stats["by_status"].get("429", 0) >= 1, f"the limited simulator answered no 429: {stats['by_status']}")
# Without the SDK's retry: the raw 429 body and headers.
req = urllib.request.Request(LIMITED + "/api/v2/routing/skills", headers={"Authorization": "Bearer " + limited.access_token})
got429 = None
for _ in range(5):
    try:
        urllib.request.urlopen(req)
    except urllib.error.HTTPError as e:
        got429 = e
        break
check(got429 is not None and got429.code == 429, "raw 429")
if got429 is not None:
    raw = got429.read()
    strict(json.loads(raw), "ErrorBody", "429 ErrorBody")
    eb = api_client.deserialize(_Resp(raw), "ErrorBody")
    check(eb.code == "too.many.requests.retry.after", "429 code")
    check(got429.headers.get("Retry-After") is not None, "Retry-After header")
    check(got429.headers.get("inin-ratelimit-allowed") == "3", "inin-ratelimit-allowed header")

# ---- queues (issue 15): create, read, whole-object PUT, wrap-up codes, flows, skill groups ----

g.configuration.host = QUEUES
qc = g.api_client.ApiClient().get_client_credentials_token("demo", "demo-secret")
qr = g.RoutingApi(qc)
arch = g.ArchitectApi(qc)
groups_api = g.GroupsApi(qc)
qauthz = g.AuthorizationApi(qc)

def ref(i):
    r = g.DomainEntityRef()
    r.id = i
    return r

def sanitized(x):
    return json.dumps(qc.sanitize_for_serialization(x), sort_keys=True)

flows = arch.get_flows(type=["inqueuecall"], page_size=100)
check(flows.total == 2 and all(f.type == "INQUEUECALL" for f in flows.entities), f"get_flows(type=inqueuecall): {[(f.name, f.type) for f in flows.entities]}")
check(any(f.id == CALL_FLOW and f.name == "Standard Hold" for f in flows.entities), "the in-queue call flow is listed")
check(arch.get_flows(type=["inboundcall"]).entities[0].id == INBOUND_FLOW, "get_flows(type=inboundcall)")
sg = qr.get_routing_skillgroups(page_size=1, name="billing")
check(len(sg.entities) == 1 and sg.entities[0].name == "Billing Experts" and sg.next_uri, f"get_routing_skillgroups page 1: {sg}")
after = sg.next_uri.split("after=")[1].split("&")[0]
sg2 = qr.get_routing_skillgroups(page_size=1, name="billing", after=after)
check(len(sg2.entities) == 1 and sg2.entities[0].name == "Billing Novices" and not sg2.next_uri, "get_routing_skillgroups by cursor")
grp = groups_api.get_groups(page_size=25)
check(grp.total == 2 and any(x.id == NIGHT_SHIFT for x in grp.entities), "get_groups")

cq = g.CreateQueueRequest()
cq.name = "SDK Queue"
cq.description = "made through the SDK"
cq.queue_flow = ref(CALL_FLOW)
acw = g.AcwSettings()
acw.wrapup_prompt = "MANDATORY_TIMEOUT"
acw.timeout_ms = 20000
cq.acw_settings = acw
ms = g.QueueMediaSettings()
call = g.MediaSettings()
call.alerting_timeout_seconds = 9
sl = g.ServiceLevel()
sl.percentage = 0.75
sl.duration_ms = 25000
call.service_level = sl
ms.call = call
cq.media_settings = ms
mg = g.MemberGroup()
mg.id = BILLING_EXPERTS
mg.type = "SKILLGROUP"
cq.member_groups = [mg]
cq.calling_party_number = "+13175550888"
made = qr.post_routing_queues(cq)
check(made.id and made.name == "SDK Queue" and made.queue_flow.id == CALL_FLOW, "post_routing_queues")
check(made.media_settings.call.alerting_timeout_seconds == 9 and made.media_settings.call.service_level.duration_ms == 25000, "created media settings")
check(made.member_groups[0].name == "Billing Experts" and made.member_groups[0].type == "SKILLGROUP", "created member groups")
got = qr.get_routing_queue(made.id)
check(sanitized(got) == sanitized(made), "get_routing_queue reads back the created queue")
dupq = g.CreateQueueRequest()
dupq.name = "sdk queue"
expect_error(lambda: qr.post_routing_queues(dupq), 409, "general.conflict", "duplicate queue name")
noname = g.CreateQueueRequest()
expect_error(lambda: qr.post_routing_queues(noname), 400, "required.field.missing", "queue without a name")
wrongflow = g.CreateQueueRequest()
wrongflow.name = "Wrong Flow"
wrongflow.queue_flow = ref(INBOUND_FLOW)
expect_error(lambda: qr.post_routing_queues(wrongflow), 400, "invalid.id", "in-queue flow of another type")
fast = g.CreateQueueRequest()
fast.name = "Too Fast"
ms2 = g.QueueMediaSettings()
c2 = g.MediaSettings()
c2.alerting_timeout_seconds = 6
ms2.call = c2
fast.media_settings = ms2
expect_error(lambda: qr.post_routing_queues(fast), 400, "invalid.value", "alerting below 7 s")

# Wrap-up codes on a queue: add, list, remove; over 100 is refused.
codes = qr.get_routing_wrapupcodes(page_size=100).entities
def wref(i):
    w = g.WrapUpCodeReference()
    w.id = i
    return w
added = qr.post_routing_queue_wrapupcodes(made.id, [wref(c.id) for c in codes[:3]])
check(len(added) == 3 and all(a.name for a in added), f"post_routing_queue_wrapupcodes: {added}")
listed = qr.get_routing_queue_wrapupcodes(made.id, page_size=100)
check(listed.total == 3 and sorted(x.id for x in listed.entities) == sorted(c.id for c in codes[:3]), "get_routing_queue_wrapupcodes")
qr.delete_routing_queue_wrapupcode(made.id, codes[0].id)
check(qr.get_routing_queue_wrapupcodes(made.id).total == 2, "delete_routing_queue_wrapupcode")
expect_error(lambda: qr.post_routing_queue_wrapupcodes(made.id, [wref(codes[0].id)] * 101), 400, "bad.request", "101 wrap-up codes")
expect_error(lambda: qr.post_routing_queue_wrapupcodes(made.id, [wref("00000000-0000-4000-8000-000000000000")]), 400, "invalid.id", "unknown wrap-up code")
wreq = g.WrapupCodeRequest()
wreq.name = "SDK Code"
newcode = qr.post_routing_wrapupcodes(wreq)
check(qr.get_routing_wrapupcode(newcode.id).name == "SDK Code", "post/get wrap-up code")

# The partial-PUT guard (Terraform #1179): the premium queue's settings are all non-default.
before = qr.get_routing_queue(PREMIUM)
check(before.calling_party_number == "+13175550999" and before.outbound_email_address is not None and before.bullseye is not None and len(before.bullseye.rings) == 2, "seeded premium queue")
before.description = "changed through the SDK"
after_put = qr.put_routing_queue(PREMIUM, before)
check(after_put.description == "changed through the SDK", "put_routing_queue answers the queue")
reread = qr.get_routing_queue(PREMIUM)
unchanged = [a for a in reread.attribute_map if a not in ("description", "date_modified", "modified_by")]
for a in unchanged:
    check(sanitized(getattr(reread, a)) == sanitized(getattr(before, a)), f"read-modify-write PUT changed {a}: {sanitized(getattr(before, a))} -> {sanitized(getattr(reread, a))}")
check(reread.description == "changed through the SDK", "the description changed")
partial = g.QueueRequest()
partial.name = before.name
partial.description = "only the description"
qr.put_routing_queue(PREMIUM, partial)
lost = qr.get_routing_queue(PREMIUM)
check(lost.calling_party_number is None and lost.outbound_email_address is None and lost.bullseye is None, "a partial PUT loses callingPartyNumber, outboundEmailAddress and bullseye")
check(lost.acw_settings.wrapup_prompt == "MANDATORY_TIMEOUT" and lost.member_groups == [], "a partial PUT reverts to the defaults")

# Division move and delete.
sales_q = [d for d in qauthz.get_authorization_divisions(page_size=25).entities if d.name == "Sales"][0]
qauthz.post_authorization_division_object(sales_q.id, "QUEUE", [made.id])
check(qr.get_routing_queue(made.id).division.id == sales_q.id, "queue division move")
qr.delete_routing_queue(made.id)
expect_error(lambda: qr.get_routing_queue(made.id), 404, "not.found", "deleted queue")

# ---- issue 16: the routes clone, drift and export use ----------------------------------------

routing = g.RoutingApi(api_client)
authz = g.AuthorizationApi(api_client)

def one_user(email):
    r = g.UserSearchRequest()
    r.query = [crit("EXACT", ["email"], value=email)]
    found = users.post_users_search(r)
    check(found.total == 1, f"search {email}")
    return found.results[0]

tomas = one_user("tomas.silva@example.com")
joined = users.get_user_queues(tomas.id, page_size=100)
check(sorted(q.name for q in joined.entities) == ["Billing Tier 2", "Refunds"] and all(q.joined for q in joined.entities), f"get_user_queues default joined=true: {[(q.name, q.joined) for q in joined.entities]}")
unjoined = users.get_user_queues(tomas.id, joined=False, page_size=100)
check([(q.name, q.joined) for q in unjoined.entities] == [("Billing Disputes", False)], f"get_user_queues(joined=False): {[(q.name, q.joined) for q in unjoined.entities]}")
check(unjoined.entities[0].division.name == "Billing", "a UserQueue carries the queue's division")
paged = users.get_user_queues(tomas.id, page_size=1, page_number=2)
check(paged.total == 2 and len(paged.entities) == 1 and paged.page_number == 2, "get_user_queues paging")

new_skill = g.CreateRoutingSkill()
new_skill.name = "SDK Skill"
made_skill = routing.post_routing_skills(new_skill)
check(made_skill.id and made_skill.name == "SDK Skill" and made_skill.state == "active", f"post_routing_skills: {made_skill}")
check(routing.get_routing_skill(made_skill.id).name == "SDK Skill", "get_routing_skill of the created skill")
dup_skill = g.CreateRoutingSkill()
dup_skill.name = "sdk skill"
expect_error(lambda: routing.post_routing_skills(dup_skill), 409, "general.conflict", "duplicate skill name")
new_lang = g.Language()
new_lang.name = "SDK Language"
made_lang = routing.post_routing_languages(new_lang)
check(made_lang.id and made_lang.name == "SDK Language", f"post_routing_languages: {made_lang}")
dup_lang = g.Language()
dup_lang.name = "English"
expect_error(lambda: routing.post_routing_languages(dup_lang), 409, "general.conflict", "duplicate language name")

divs = authz.get_authorization_divisions(object_count=True, page_size=25)
counts = {d.name: d.object_counts for d in divs.entities}
check(len(counts) == 5 and all(c and c.get("USER", 0) >= 1 for c in counts.values()), f"get_authorization_divisions(object_count=True): {counts}")
live = users.get_users(page_size=500, state="any")
check(sum(c["USER"] for c in counts.values()) == sum(1 for u in live.entities if u.state != "deleted"), "objectCounts USER = the users not deleted")

orgu = routing.get_routing_user_utilization(tomas.id)
check(orgu.level == "Organization" and orgu.utilization["chat"].maximum_capacity == 4, f"get_routing_user_utilization (org defaults): {orgu}")
ureq = g.UtilizationRequest()
chat = g.MediaUtilization()
chat.maximum_capacity = 3
chat.interruptable_media_types = ["call"]
call = g.MediaUtilization()
call.maximum_capacity = 1
ureq.utilization = {"chat": chat, "call": call}
put = routing.put_routing_user_utilization(tomas.id, ureq)
check(put.level == "Agent" and put.utilization["chat"].maximum_capacity == 3 and put.utilization["chat"].interruptable_media_types == ["call"], f"put_routing_user_utilization: {put}")
check(sanitized(routing.get_routing_user_utilization(tomas.id)) == sanitized(put), "utilization reads back as put")
routing.delete_routing_user_utilization(tomas.id)
check(routing.get_routing_user_utilization(tomas.id).level == "Organization", "delete_routing_user_utilization")

sup_id = [r for r in authz.get_authorization_roles(name="Supervisor").entities if r.name == "Supervisor"][0].id
sup = authz.get_authorization_role(sup_id)
policies = sorted((p.domain, p.entity_name, tuple(p.action_set)) for p in sup.permission_policies)
check(policies == [("analytics", "queueObservation", ("view",)), ("quality", "evaluation", ("view",)), ("routing", "queue", ("join", "view"))], f"get_authorization_role permission_policies: {policies}")

# The sibling org: same names, other ids; its scoped client sees two divisions' queues.
g.configuration.host = SIBLING
sc = g.api_client.ApiClient().get_client_credentials_token("sibling", "sibling-secret")
scoped = g.api_client.ApiClient().get_client_credentials_token("sibling-scoped", "sibling-scoped-secret")
s_routing, s_authz = g.RoutingApi(sc), g.AuthorizationApi(sc)
s_sup = [r for r in s_authz.get_authorization_roles(name="Supervisor").entities if r.name == "Supervisor"][0]
check(s_sup.id != sup_id, "the sibling's Supervisor has its own id")
s_policies = sorted((p.domain, p.entity_name, tuple(p.action_set)) for p in s_authz.get_authorization_role(s_sup.id).permission_policies)
check(s_policies != policies and ("routing", "queue", ("join", "view", "edit")) in s_policies, f"the sibling's Supervisor differs: {s_policies}")
all_q = s_routing.get_routing_queues(page_size=100)
few_q = g.RoutingApi(scoped).get_routing_queues(page_size=100)
s_counts = g.AuthorizationApi(scoped).get_authorization_divisions(object_count=True, page_size=25)
check(few_q.total < all_q.total == sum(d.object_counts["QUEUE"] for d in s_counts.entities), f"a scoped client lists {few_q.total} of {all_q.total} queues")
check({q.division.name for q in few_q.entities} <= {"Home", "Sales"}, "the scoped client sees Home and Sales only")

if failures:
    print(f"{len(failures)} of {checks} checks failed")
    sys.exit(1)
print(f"OK {checks} checks")
