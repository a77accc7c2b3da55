// Manual check, not part of the pytest suite: the official twilio Node library against the
// emulator on every configuration endpoint, with its own HTTP client and with one built on
// Node's bare http module that sends every body chunked over one kept-alive connection.
//
//   reconciler emulator serve --port 4019 &
//   mkdir -p /tmp/nodecheck && cd /tmp/nodecheck && npm install twilio   # outside the repo
//   NODE_PATH=/tmp/nodecheck/node_modules node tests/emulator/node/check.js http://127.0.0.1:4019
//
// It needs a fresh emulator (it expects the default service's four built-in roles).
const http = require("http");
const qs = require("qs");
const twilio = require("twilio");

const BASE = process.argv[2];
const SID = "AC00000000000000000000000000000001";
const TOKEN = "emulator-auth-token";

class ChunkedHttpClient {
  constructor() {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    this.sockets = new Set();
    this.requests = 0;
  }
  request(opts) {
    return new Promise((resolve, reject) => {
      const url = new URL(opts.uri);
      if (opts.params) url.search = qs.stringify(opts.params, { arrayFormat: "repeat" });
      const headers = { ...opts.headers };
      headers.Authorization =
        "Basic " + Buffer.from(`${opts.username}:${opts.password}`).toString("base64");
      const req = http.request(url, { method: opts.method.toUpperCase(), headers, agent: this.agent }, (res) => {
        this.sockets.add(res.socket);
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => {
          let parsed = body;
          try { parsed = body ? JSON.parse(body) : body; } catch (e) {}
          resolve({ statusCode: res.statusCode, body: parsed, headers: res.headers });
        });
      });
      req.on("error", reject);
      this.requests++;
      if (opts.data) {
        const text = qs.stringify(opts.data, { arrayFormat: "repeat" });
        // Two writes and no Content-Length: Node sends Transfer-Encoding: chunked.
        req.write(text.slice(0, Math.floor(text.length / 2)));
        req.write(text.slice(Math.floor(text.length / 2)));
      }
      req.end();
    });
  }
}

function assert(cond, what) {
  if (!cond) throw new Error("FAILED: " + what);
}

async function expectError(promise, status, code, what) {
  try {
    await promise;
  } catch (e) {
    assert(e.status === status && e.code === code, `${what}: got ${e.status}/${e.code} ${e.message}`);
    return;
  }
  throw new Error(`FAILED: ${what}: no error`);
}

async function run(label, client) {
  client.conversations.baseUrl = BASE;
  const v1 = client.conversations.v1;
  const config = await v1.configuration().fetch();
  const defaultSid = config.defaultChatServiceSid;
  assert(/^IS[0-9a-f]{32}$/.test(defaultSid), "default service");
  assert(config.links.service === `${BASE}/v1/Services/${defaultSid}/Configuration`, "links.service");
  const updated = await v1.configuration().update({ defaultInactiveTimer: "PT5M", defaultClosedTimer: "P1D" });
  assert(updated.defaultInactiveTimer === "PT5M", "timer update");
  await expectError(v1.configuration().update({ defaultInactiveTimer: "PT5S" }), 400, 50375, "timer minimum");

  const hooks = await v1.configuration.webhooks().update({
    method: "post", filters: ["onMessageAdded", "onConversationStateUpdated"],
    postWebhookUrl: "https://hooks.example.com/post", target: "webhook",
  });
  assert(hooks.method === "POST" && hooks.filters.length === 2, "account webhooks");
  assert((await v1.configuration.webhooks().fetch()).postWebhookUrl === "https://hooks.example.com/post", "webhooks fetch");
  await expectError(v1.configuration.webhooks().update({ method: "PUT" }), 400, 50055, "webhook method");

  const service = await v1.services.create({ friendlyName: `${label} service` });
  assert((await v1.services(service.sid).fetch()).friendlyName === `${label} service`, "service fetch");
  const names = (await v1.services.list({ pageSize: 1 })).map((s) => s.friendlyName);
  assert(names.includes(`${label} service`), "services paging");

  const sc = await v1.services(service.sid).configuration().update({ reachabilityEnabled: true });
  assert(sc.reachabilityEnabled === true, "service configuration");
  const roles = await v1.services(service.sid).roles.list({ pageSize: 2 });
  assert(roles.length === 4, "built-in roles via paging: " + roles.length);
  const channelUser = roles.find((r) => r.friendlyName === "channel user");
  assert(JSON.stringify(channelUser.permissions) === JSON.stringify(["sendMessage", "leaveConversation", "editOwnMessage", "deleteOwnMessage"]), "channel user");
  const notif = await v1.services(service.sid).configuration.notifications().update({
    logEnabled: true, "newMessage.enabled": true, "newMessage.template": "${PARTICIPANT}: ${MESSAGE}",
    "newMessage.withMedia.enabled": true, "addedToConversation.sound": "ring",
  });
  assert(notif.newMessage.template === "${PARTICIPANT}: ${MESSAGE}" && notif.newMessage.with_media.enabled === true, "notifications");
  await expectError(v1.services(service.sid).configuration.notifications().update({ "newMessage.template": "x".repeat(2000) }), 400, 50058, "template too long");
  const swh = await v1.services(service.sid).configuration.webhooks().update({ method: "GET", filters: ["onMessageAdd"], preWebhookUrl: "https://hooks.example.com/pre" });
  assert(swh.method === "GET" && swh.preWebhookUrl === "https://hooks.example.com/pre", "service webhooks");
  assert((await v1.services(service.sid).configuration.webhooks().fetch()).filters[0] === "onMessageAdd", "service webhooks fetch");

  const role = await v1.services(service.sid).roles.create({ friendlyName: "agent", type: "conversation", permission: ["sendMessage", "sendMediaMessage"] });
  assert(role.permissions.length === 2, "role create");
  assert((await v1.services(service.sid).roles(role.sid).update({ permission: ["sendMessage"] })).permissions.length === 1, "role update");
  assert((await v1.services(service.sid).roles(role.sid).fetch()).friendlyName === "agent", "role fetch");
  await expectError(v1.services(service.sid).roles.create({ friendlyName: "bad", type: "service", permission: ["sendMessage"] }), 400, 50104, "permission");
  await expectError(v1.services(service.sid).roles.create({ friendlyName: "bad", type: "room", permission: ["sendMessage"] }), 400, 50105, "role type");
  assert((await v1.services(service.sid).roles(role.sid).remove()) === true, "role remove");
  const short = await v1.roles.create({ friendlyName: `${label} short`, type: "service", permission: ["joinConversation"] });
  assert(short.chatServiceSid === defaultSid, "roles shortcut");
  assert((await v1.roles(short.sid).update({ permission: ["createConversation"] })).permissions[0] === "createConversation", "shortcut update");
  assert((await v1.roles.list()).length >= 5, "shortcut list");
  assert((await v1.roles(short.sid).remove()) === true, "shortcut remove");

  const phone = label === "axios" ? "+15017122661" : "+15017122662";
  const address = await v1.addressConfigurations.create({
    type: "sms", address: phone, friendlyName: "line",
    "autoCreation.enabled": true, "autoCreation.type": "webhook",
    "autoCreation.conversationServiceSid": service.sid,
    "autoCreation.webhookUrl": "https://hooks.example.com/in", "autoCreation.webhookMethod": "POST",
    "autoCreation.webhookFilters": ["onMessageAdded"],
  });
  assert(address.autoCreation.webhook_url === "https://hooks.example.com/in", "address create");
  assert((await v1.addressConfigurations(phone).fetch()).sid === address.sid, "address by number");
  const studio = await v1.addressConfigurations(address.sid).update({
    "autoCreation.type": "studio", "autoCreation.studioFlowSid": "FW" + "b".repeat(32), "autoCreation.studioRetryCount": 2,
  });
  assert(studio.autoCreation.webhook_url === undefined && studio.autoCreation.studio_retry_count === 2, "per-type shape");
  assert((await v1.addressConfigurations.list({ type: "sms" })).some((a) => a.sid === address.sid), "address list");
  await expectError(v1.addressConfigurations.create({ type: "sms", address: phone }), 409, 20409, "duplicate address");
  assert((await v1.addressConfigurations(address.sid).remove()) === true, "address remove");

  const cred = await v1.credentials.create({ type: "fcm", friendlyName: `${label} push`, secret: "s" });
  assert((await v1.credentials(cred.sid).update({ friendlyName: `${label} push 2`, secret: "t" })).friendlyName === `${label} push 2`, "credential update");
  assert((await v1.credentials.list()).some((c) => c.sid === cred.sid), "credential list");
  assert((await v1.credentials(cred.sid).fetch()).type === "fcm", "credential fetch");
  assert((await v1.credentials(cred.sid).remove()) === true, "credential remove");
  await expectError(v1.credentials(cred.sid).fetch(), 404, 20404, "credential gone");

  assert((await v1.services(service.sid).remove()) === true, "service remove");
  await expectError(v1.services(defaultSid).remove(), 409, 20409, "default service");
  console.log(`${label}: every configuration endpoint behaved`);
}

(async () => {
  await run("axios", twilio(SID, TOKEN));
  const chunked = new ChunkedHttpClient();
  await run("chunked", twilio(SID, TOKEN, { httpClient: chunked }));
  console.log(`chunked: ${chunked.requests} requests over ${chunked.sockets.size} connection(s)`);
  chunked.agent.destroy();
})().catch((e) => { console.error(e); process.exit(1); });
