/*! Parley chat widget: one script tag, no framework, no build step.
 *
 *   <script src="https://<api>/widget/parley.js" data-site-id="site_demo" async></script>
 *
 * Talks to Parley's public APIs only: seed 004's bot-first customer flow
 * (/api/v1/customer/..., WS ?role=customer) when the API has it, else seed 000's
 * visitor API (/api/v1/visitors, conversations, messages, WS ?role=visitor).
 * Lives in a Shadow DOM so the host page's CSS cannot reach it. Every call names
 * the site in its query string (?site_id=): the API decides CORS per site on it.
 */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector('script[src*="/widget/parley.js"][data-site-id]');
  if (!script || window.__parleyWidget) return;
  var SITE = script.getAttribute("data-site-id");
  var FORCED_FLOW = script.getAttribute("data-flow"); // "000" or "004" to pin the API; unset: detected
  var API = (script.getAttribute("data-api") || new URL(script.src, location.href).origin).replace(/\/$/, "");
  // Deployed, the WebSocket API has an endpoint of its own (the CDK app's WidgetSnippet output names it).
  var WS_URL = script.getAttribute("data-ws") || API.replace(/^http/, "ws") + "/ws";
  var STORE_KEY = "parley:" + SITE;
  var MAX_FILE_BYTES = 10 * 1024 * 1024;
  var FILE_TYPES = "image/png,image/jpeg,image/gif,image/webp,application/pdf";

  // ---- state ------------------------------------------------------------------------------------
  var saved = load();
  var state = {
    flow: saved.flow || null,          // "004" | "000": which API this visitor's conversation lives on
    visitorId: saved.visitorId || null,
    token: saved.token || null,        // 000: X-Visitor-Token
    sessionId: saved.sessionId || null, // 004: X-Customer-Session-Id
    conversationId: saved.conversationId || null,
    closed: false, rated: !!saved.rated, mode: null,
    config: {}, quick: [], messages: {}, pending: {}, lastSeq: 0,
    open: false, unread: 0, socket: null, socketState: "closed", retries: 0, retryTimer: null,
  };

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE_KEY) || "{}"); } catch (e) { return {}; }
  }
  function persist() {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify({
        flow: state.flow, visitorId: state.visitorId, token: state.token, sessionId: state.sessionId,
        conversationId: state.conversationId, rated: state.rated,
      }));
    } catch (e) { /* private mode: the visitor is remembered for this page only */ }
  }
  function randomId(prefix) {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return prefix + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // ---- HTTP -------------------------------------------------------------------------------------
  function call(method, path, body, extraHeaders) {
    var headers = Object.assign({}, extraHeaders || {});
    if (state.token) headers["X-Visitor-Token"] = state.token;
    if (state.sessionId && path.indexOf("/api/v1/customer/conversations/") === 0) headers["X-Customer-Session-Id"] = state.sessionId;
    var init = { method: method, headers: headers };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) { headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    var url = API + path + (path.indexOf("?") < 0 ? "?" : "&") + "site_id=" + encodeURIComponent(SITE);
    return fetch(url, init).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!response.ok) {
          var error = new Error((data && ((data.error && data.error.message) || data.detail || data.message)) || ("HTTP " + response.status));
          error.status = response.status; error.body = data;
          throw error;
        }
        return data && data.success === true && "data" in data ? data.data : data;
      });
    });
  }

  // Seed 004 when its routes exist; a 404 (or API Gateway's 403 for an unknown path, which carries
  // no CORS grant and so reaches us as a network error) means "not deployed yet": seed 000.
  function detectFlow() {
    var pinned = FORCED_FLOW || state.flow;
    if (pinned === "000") return Promise.resolve("000");
    return call("GET", "/api/v1/customer/quick-questions").then(function (body) {
      state.quick = (body && body.items) || [];
      return "004";
    }, function () { return pinned || "000"; });
  }

  function ensureVisitor() {
    if (state.token) return Promise.resolve();
    state.visitorId = state.visitorId || randomId("v_");
    return call("POST", "/api/v1/visitors", { site_id: SITE, visitor_id: state.visitorId, name: "Website visitor" })
      .then(function (visitor) { state.token = visitor.session_token; persist(); }, function (error) {
        if (error.status === 409) { state.visitorId = null; return ensureVisitor(); } // taken id: a new one
        throw error;
      });
  }

  function withVisitor(fn) {
    return ensureVisitor().then(fn).catch(function (error) {
      if (error.status !== 401) throw error;
      state.token = null; state.visitorId = null; state.conversationId = state.flow === "000" ? null : state.conversationId;
      persist();
      return ensureVisitor().then(fn); // an expired token: register again
    });
  }

  // ---- messages ---------------------------------------------------------------------------------
  // One shape for both APIs: {id, seq, from: visitor|agent|bot|system, name, body, file, clientId}.
  function fromSeed000(m) {
    var who = { visitor: "visitor", support: "agent", system: "system", bot: "bot" }[m.from] || "system";
    return { id: m.id, seq: m.seq, from: who, name: m.sender && m.sender.name, body: m.content || "",
      file: m.file || null, clientId: m.client_message_id || (m.metadata && m.metadata.client_message_id) };
  }
  function fromSeed004(m) {
    var who = { customer: "visitor", agent: "agent", bot: "bot", system: "system" }[m.sender_type] || "system";
    return { id: m.id, seq: m.seq, from: who, name: m.sender_name, body: m.body || "", file: m.file || null,
      clientId: m.client_message_id };
  }
  function normalise(m) { return state.flow === "004" ? fromSeed004(m) : fromSeed000(m); }

  function addMessage(message, live) {
    if (!message || !message.id || state.messages[message.id]) return;
    if (message.clientId && state.pending[message.clientId]) delete state.pending[message.clientId];
    state.messages[message.id] = message;
    state.lastSeq = Math.max(state.lastSeq, message.seq || 0);
    if (live && message.from !== "visitor" && !state.open) { state.unread += 1; renderBadge(); }
    renderMessages();
  }

  // ---- conversation (per flow) ------------------------------------------------------------------
  function startConversation() {
    if (state.conversationId) return Promise.resolve();
    if (state.flow === "004") {
      return call("POST", "/api/v1/customer/conversations/start", { site_id: SITE }).then(function (started) {
        state.conversationId = started.conversation_id; state.sessionId = started.customer_session_id;
        state.mode = started.mode; persist();
        (started.messages || []).forEach(function (m) { addMessage(fromSeed004(m)); });
        connect();
      });
    }
    return withVisitor(function () {
      return call("POST", "/api/v1/conversations", { site_id: SITE, visitor_id: state.visitorId });
    }).then(function (conversation) { state.conversationId = conversation.id; persist(); resync(); });
  }

  function send(text, fileId, kind) {
    var clientId = randomId("c_");
    state.pending[clientId] = { id: clientId, from: "visitor", body: text, pending: true };
    renderMessages();
    return startConversation().then(function () {
      if (state.flow === "004") {
        return call("POST", "/api/v1/customer/conversations/" + state.conversationId + "/messages",
          { body: text, client_message_id: clientId }).then(function (reply) {
          delete state.pending[clientId]; renderMessages();
          // In automated mode the bot answers in the same request.
          [reply].concat(reply.replies || []).forEach(function (m) { if (m && m.id) addMessage(fromSeed004(m)); });
        });
      }
      var body = { conversation_id: state.conversationId, content: text, type: kind || "text" };
      if (fileId) body.file_id = fileId;
      return withVisitor(function () {
        return call("POST", "/api/v1/messages", body, { "Idempotency-Key": clientId });
      }).then(function (m) { delete state.pending[clientId]; addMessage(fromSeed000(m)); renderMessages(); });
    }).catch(function (error) {
      delete state.pending[clientId];
      renderMessages();
      if (error.status === 409) markClosed(); else showNotice("Not sent: " + error.message);
    });
  }

  function askQuickQuestion(item) {
    startConversation().then(function () {
      return call("POST", "/api/v1/customer/conversations/" + state.conversationId + "/quick-replies/" + encodeURIComponent(item.slug));
    }).then(function (reply) {
      (reply.items || []).forEach(function (m) { if (m && m.id) addMessage(fromSeed004(m)); });
    }).catch(function (error) { showNotice(error.message); });
  }

  function escalate() {
    startConversation().then(function () {
      return call("POST", "/api/v1/customer/conversations/" + state.conversationId + "/escalate");
    }).then(function (result) {
      state.mode = "agent"; renderChrome();
      resync();
    }, function (error) {
      showNotice(error.status === 409 ? (state.config.offline_message || "No agent is available right now.") : error.message);
    });
  }

  function attach(file) {
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) { showNotice("Files are 10 MB at most."); return; }
    startConversation().then(function () {
      var form = new FormData();
      form.append("site_id", SITE);
      form.append("conversation_id", state.conversationId);
      form.append("file", file, file.name);
      return withVisitor(function () { return call("POST", "/api/v1/files/upload", form); });
    }).then(function (uploaded) {
      var isImage = /^image\//.test(uploaded.mime_type || uploaded.content_type || file.type);
      return send(file.name, uploaded.id, isImage ? "image" : "file");
    }).catch(function (error) { showNotice("Not sent: " + error.message); }); // the server checks the type
  }

  function rate(score) {
    var path = "/api/v1/conversations/" + state.conversationId + "/rating";
    withVisitor(function () { return call("POST", path, { rating: score }); }).then(function () {
      state.rated = true; persist(); renderChrome();
    }, function (error) {
      if (error.status === 409) { state.rated = true; persist(); renderChrome(); } else showNotice(error.message);
    });
  }

  function markClosed() { state.closed = true; state.mode = "closed"; renderChrome(); }

  function newConversation() {
    if (state.flow === "004") { clearTimeout(state.retryTimer); disconnect(); } // its socket was that chat's
    state.conversationId = null; state.sessionId = null; state.closed = false; state.rated = false; state.mode = null;
    state.messages = {}; state.pending = {}; state.lastSeq = 0; persist(); greet(); renderChrome(); renderMessages();
  }

  // ---- realtime ---------------------------------------------------------------------------------
  function socketUrl() {
    if (state.flow === "004") {
      return WS_URL + "?role=customer&conversation_id=" + encodeURIComponent(state.conversationId) +
        "&customer_session_id=" + encodeURIComponent(state.sessionId) + "&last_seq=" + state.lastSeq;
    }
    return WS_URL + "?site_id=" + encodeURIComponent(SITE) + "&role=visitor&token=" + encodeURIComponent(state.token) +
      "&visitor_id=" + encodeURIComponent(state.visitorId);
  }

  function connect() {
    if (state.socket || !navigator.onLine) return;
    if (state.flow === "004" ? !state.sessionId : !state.token) return;
    clearTimeout(state.retryTimer);
    var socket = new WebSocket(socketUrl());
    state.socket = socket; setSocketState("connecting");
    socket.onopen = function () { state.retries = 0; setSocketState("open"); resync(); };
    socket.onmessage = function (event) {
      var frame; try { frame = JSON.parse(event.data); } catch (e) { return; }
      onFrame(frame);
    };
    socket.onclose = function () {
      if (state.socket !== socket) return;
      state.socket = null; setSocketState("closed"); scheduleReconnect();
      if (state.flow === "004" && navigator.onLine) resync(); // no socket (yet): REST keeps the thread current
    };
  }

  function disconnect() {
    var socket = state.socket;
    state.socket = null; setSocketState("closed");
    if (socket) socket.close();
  }

  // Exponential backoff with jitter (0.5 s doubling to 30 s); `online` reconnects at once.
  function scheduleReconnect() {
    clearTimeout(state.retryTimer);
    var delay = Math.min(30000, 500 * Math.pow(2, state.retries++)) * (0.75 + Math.random() * 0.5);
    state.retryTimer = setTimeout(connect, delay);
  }

  // What was missed while disconnected, by sequence: 000 asks with get_state; 004's server resyncs on connect.
  function resync() {
    if (!state.conversationId) return;
    if (state.flow === "004") { // the server resyncs a customer socket on connect; REST covers the gaps
      return call("GET", "/api/v1/customer/conversations/" + state.conversationId + "/messages?after_seq=" + state.lastSeq)
        .then(function (page) { (page.items || []).forEach(function (m) { addMessage(fromSeed004(m), true); }); })
        .then(function () { return call("GET", "/api/v1/customer/conversations/" + state.conversationId); })
        .then(function (c) { state.mode = c.mode; if (c.mode === "closed") markClosed(); else renderChrome(); })
        .catch(function () { /* next reconnect retries */ });
    }
    if (state.socket && state.socketState === "open") {
      state.socket.send(JSON.stringify({ type: "get_state", conversation_id: state.conversationId, last_seq: state.lastSeq }));
    } else {
      withVisitor(function () {
        return call("GET", "/api/v1/messages?conversation_id=" + encodeURIComponent(state.conversationId) + "&limit=100");
      }).then(function (page) { page.messages.forEach(function (m) { addMessage(fromSeed000(m)); }); })
        .catch(function () { /* the socket's resync will retry */ });
    }
  }

  function onFrame(frame) {
    var data = frame.data || frame;
    switch (frame.type) {
      case "message": // 000
        if (frame.conversation_id === state.conversationId) addMessage(fromSeed000(frame), true);
        break;
      case "message.created": // 004
        addMessage(fromSeed004(data.message || data), true);
        break;
      case "state":
        if (frame.conversation && frame.conversation.id !== state.conversationId) break;
        (frame.messages || []).forEach(function (m) { addMessage(fromSeed000(m), true); });
        if (frame.conversation && frame.conversation.status === "closed") markClosed();
        if (frame.has_more) resync();
        break;
      case "typing_start": case "typing_stop":
        if (frame.from === "support" && frame.conversation_id === state.conversationId) setTyping(frame.type === "typing_start", frame.name);
        break;
      case "agent.typing":
        setTyping(!!data.is_typing, data.agent_name || (data.agent && data.agent.name));
        break;
      case "conversation_assigned":
        if (frame.conversation_id === state.conversationId) {
          showNotice((frame.name || "An agent") + " joined the chat");
        }
        break;
      case "agent.assigned":
        state.mode = "agent"; showNotice(((data.assigned_agent || data.agent || {}).name || "An agent") + " joined the chat"); renderChrome();
        break;
      case "conversation.updated":
        state.mode = (data.conversation || data).mode || state.mode;
        if (state.mode === "closed") markClosed(); else renderChrome();
        break;
      case "conversation_closed": case "chat.closed":
        if ((frame.conversation_id || data.conversation_id || state.conversationId) === state.conversationId) markClosed();
        break;
      case "support_joined": state.agentsOnline = true; renderChrome(); break;
    }
  }

  function setSocketState(value) {
    state.socketState = value;
    host.setAttribute("data-socket", value); // read by the browser tests and by anyone debugging
    renderChrome();
  }

  // ---- UI ---------------------------------------------------------------------------------------
  var host = document.createElement("div");
  host.id = "parley-widget";
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML = [
    "<style>",
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:14px;letter-spacing:normal}",
    ".wrap{position:fixed;bottom:20px;right:20px;z-index:2147483000;display:flex;flex-direction:column;align-items:flex-end;gap:12px}",
    ".wrap.left{right:auto;left:20px;align-items:flex-start}",
    ".launcher{position:relative;border:0;border-radius:28px;padding:14px 20px;color:#fff;background:var(--c);cursor:pointer;font-weight:600;box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".launcher.square,.panel.square{border-radius:6px}",
    ".badge{position:absolute;top:-6px;right:-6px;min-width:22px;height:22px;border-radius:11px;background:#dc2626;color:#fff;font-size:12px;line-height:22px;text-align:center;padding:0 6px}",
    ".panel{width:370px;max-width:calc(100vw - 24px);height:540px;max-height:calc(100vh - 100px);background:#fff;color:#111;border-radius:16px;box-shadow:0 8px 30px rgba(0,0,0,.3);display:flex;flex-direction:column;overflow:hidden}",
    "header{background:var(--c);color:#fff;padding:12px 14px;display:flex;align-items:center;justify-content:space-between}",
    "header h2{margin:0;font-size:16px}header small{display:block;opacity:.85;font-size:12px}",
    "header button{background:transparent;border:0;color:#fff;font-size:20px;cursor:pointer;padding:4px 8px}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f7f9}",
    ".msg{max-width:80%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;word-wrap:break-word;background:#fff;border:1px solid #e5e7eb;align-self:flex-start}",
    ".msg.visitor{align-self:flex-end;background:var(--c);color:#fff;border-color:transparent}",
    ".msg.system{align-self:center;background:transparent;border:0;color:#6b7280;font-size:12px}",
    ".msg.pending{opacity:.6}.msg .who{display:block;font-size:11px;opacity:.7;margin-bottom:2px}",
    ".msg img{display:block;max-width:220px;max-height:180px;border-radius:8px;margin-top:4px}.msg a{color:inherit}",
    ".chips{display:flex;flex-wrap:wrap;gap:6px;padding:8px 12px 0}",
    ".chips button,.csat .agent{border:1px solid var(--c);color:var(--c);background:#fff;border-radius:16px;padding:6px 10px;cursor:pointer}",
    ".typing{padding:2px 14px;color:#6b7280;font-size:12px;min-height:18px}",
    ".notice{padding:2px 14px;color:#92400e;font-size:12px}",
    "form{display:flex;gap:6px;padding:10px;border-top:1px solid #e5e7eb;align-items:center}",
    "form input[type=text]{flex:1;border:1px solid #d1d5db;border-radius:18px;padding:9px 12px;outline:none}",
    "form input[type=text]:focus,button:focus-visible{outline:2px solid var(--c);outline-offset:2px}",
    "form button{border:0;border-radius:18px;padding:9px 14px;background:var(--c);color:#fff;cursor:pointer}",
    "form .clip{background:#eef;color:#333;padding:9px 11px}",
    ".csat{padding:10px 14px;border-top:1px solid #e5e7eb;text-align:center}",
    ".csat button{font-size:20px;border:0;background:transparent;cursor:pointer;color:#f59e0b}",
    ".brand{font-size:11px;text-align:center;color:#9ca3af;padding:0 0 6px}",
    "[hidden]{display:none !important}",
    "@media (max-width:420px){.wrap{right:8px;bottom:8px;left:8px;align-items:stretch}.panel{width:100%;height:calc(100vh - 90px)}.launcher{align-self:flex-end}}",
    "</style>",
    '<div class="wrap">',
    '<section class="panel" role="dialog" aria-label="Chat" hidden>',
    '<header><div><h2 class="title">Chat</h2><small class="status"></small></div>',
    '<button type="button" class="close" aria-label="Close chat">&#x2715;</button></header>',
    '<div class="log" role="log" aria-live="polite" aria-label="Messages"></div>',
    '<div class="chips" aria-label="Quick questions"></div>',
    '<div class="typing" aria-live="polite"></div><div class="notice" role="status"></div>',
    '<div class="csat" hidden><div class="question">How did we do?</div><div class="stars"></div>',
    '<div class="thanks" hidden><span class="thanks-text"></span> <button type="button" class="agent again">Start a new chat</button></div></div>',
    '<form class="composer"><button type="button" class="clip" aria-label="Attach an image or PDF"><svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><path d="M21 11l-8.5 8.5a5 5 0 01-7-7L14 4a3.5 3.5 0 015 5l-8.5 8.5a2 2 0 01-3-3L15 7"/></svg></button>',
    '<input type="file" class="file" accept="' + FILE_TYPES + '" hidden>',
    '<input type="text" class="text" aria-label="Message" placeholder="Write a message..." autocomplete="off" maxlength="10000">',
    '<button type="submit" class="send">Send</button></form>',
    '<div class="brand" hidden>Powered by Parley</div>',
    "</section>",
    '<button type="button" class="launcher" aria-haspopup="dialog" aria-expanded="false"><span class="label">Chat</span><span class="badge" hidden></span></button>',
    "</div>",
  ].join("");
  var $ = function (selector) { return root.querySelector(selector); };
  var ui = {
    wrap: $(".wrap"), panel: $(".panel"), launcher: $(".launcher"), label: $(".label"), badge: $(".badge"),
    title: $(".title"), status: $(".status"), log: $(".log"), chips: $(".chips"), typing: $(".typing"),
    notice: $(".notice"), csat: $(".csat"), stars: $(".stars"), form: $(".composer"), text: $(".text"),
    file: $(".file"), clip: $(".clip"), brand: $(".brand"), thanks: $(".thanks"), question: $(".question"),
  };
  for (var score = 1; score <= 5; score++) {
    var star = document.createElement("button");
    star.type = "button"; star.textContent = "\u2605"; star.setAttribute("aria-label", "Rate " + score + " of 5");
    star.dataset.score = String(score);
    ui.stars.appendChild(star);
  }

  function applyConfig(config) {
    state.config = config || {};
    ui.wrap.style.setProperty("--c", state.config.color || state.config.primary_color || "#4F46E5");
    ui.wrap.classList.toggle("left", state.config.position === "bottom-left");
    ui.launcher.classList.toggle("square", state.config.shape === "square");
    ui.panel.classList.toggle("square", state.config.shape === "square");
    ui.label.textContent = state.config.button_text || "Chat";
    ui.brand.hidden = !(state.config.branding && state.config.branding.show_powered_by);
  }

  function greet() {
    if (state.flow === "000" && !state.conversationId && state.config.welcome_message) {
      state.messages.welcome = { id: "welcome", seq: 0, from: "bot", body: state.config.welcome_message };
    }
  }

  function renderBadge() {
    ui.badge.hidden = state.unread === 0;
    ui.badge.textContent = String(state.unread);
    ui.launcher.setAttribute("aria-label", (state.config.button_text || "Chat") + (state.unread ? " (" + state.unread + " unread)" : ""));
  }

  function renderChrome() {
    ui.title.textContent = state.config.button_text || "Chat";
    var live = state.socketState === "open" ? "" : (navigator.onLine ? " (reconnecting...)" : " (offline)");
    ui.status.textContent = (state.closed ? "Chat closed" : state.mode === "agent" ? "Talking to an agent" :
      state.flow === "004" ? "Answered by our assistant" : "We reply in minutes") + live;
    var automated = state.flow === "004" && !state.closed && state.mode !== "agent";
    ui.chips.innerHTML = "";
    if (automated) {
      state.quick.forEach(function (item) {
        var chip = document.createElement("button");
        chip.type = "button"; chip.textContent = item.question;
        chip.addEventListener("click", function () { askQuickQuestion(item); });
        ui.chips.appendChild(chip);
      });
      var agent = document.createElement("button");
      agent.type = "button"; agent.className = "agent"; agent.textContent = "Talk to an agent";
      agent.addEventListener("click", escalate);
      ui.chips.appendChild(agent);
    }
    // Closed: rate it (CSAT is seed 000's rating route), then thanks and a way to start again.
    ui.csat.hidden = !state.closed;
    ui.stars.hidden = state.rated || state.flow !== "000";
    // 004 has no rating route: its closed chat offers a new one straight away.
    ui.thanks.hidden = !(state.rated || state.flow === "004");
    root.querySelector(".thanks-text").textContent = state.rated ? "Thanks for your rating!" : "This chat is closed.";
    ui.question.hidden = state.rated || state.flow !== "000";
    ui.text.disabled = state.closed;
    ui.form.hidden = state.closed;
  }

  function renderMessages() {
    var list = Object.keys(state.messages).map(function (k) { return state.messages[k]; })
      .sort(function (a, b) { return (a.seq || 0) - (b.seq || 0); })
      .concat(Object.keys(state.pending).map(function (k) { return state.pending[k]; }));
    var stick = ui.log.scrollTop + ui.log.clientHeight >= ui.log.scrollHeight - 40;
    ui.log.innerHTML = "";
    list.forEach(function (m) {
      var item = document.createElement("div");
      item.className = "msg " + m.from + (m.pending ? " pending" : "");
      if (m.seq) item.dataset.seq = String(m.seq);
      if (m.from === "agent" || m.from === "bot") {
        var who = document.createElement("span");
        who.className = "who"; who.textContent = m.from === "bot" ? "Assistant" : (m.name || "Agent");
        item.appendChild(who);
      }
      var text = document.createElement("span");
      text.className = "body"; text.textContent = m.body;
      item.appendChild(text);
      if (m.file && m.file.url) {
        var isImage = /^image\//.test(m.file.mime_type || m.file.content_type || "");
        var link = document.createElement(isImage ? "img" : "a");
        if (isImage) {
          link.alt = m.file.name || "image";
          link.src = API + (m.file.thumbnail_url || m.file.url);
          link.onerror = function () { // the thumbnail is made by a worker a moment later: the original meanwhile
            if (this.src !== API + m.file.url) this.src = API + m.file.url;
          };
        }
        else { link.href = API + m.file.url; link.textContent = m.file.name || "file"; link.target = "_blank"; link.rel = "noopener"; }
        item.appendChild(link);
      }
      ui.log.appendChild(item);
    });
    if (stick) ui.log.scrollTop = ui.log.scrollHeight;
  }

  var typingTimer = null;
  function setTyping(on, name) {
    ui.typing.textContent = on ? (name || "Agent") + " is typing..." : "";
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(function () { ui.typing.textContent = ""; }, 8000);
  }
  function showNotice(text) { ui.notice.textContent = text || ""; }

  function toggle(open) {
    state.open = open;
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      state.unread = 0; renderBadge(); renderMessages(); ui.text.focus();
      if (state.flow === "004" && !state.conversationId) startConversation().catch(function (e) { showNotice(e.message); });
    } else ui.launcher.focus();
  }

  ui.launcher.addEventListener("click", function () { toggle(!state.open); });
  root.querySelector(".close").addEventListener("click", function () { toggle(false); });
  ui.panel.addEventListener("keydown", function (event) { if (event.key === "Escape") toggle(false); });
  ui.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = ui.text.value.trim();
    if (!text || state.closed) return;
    ui.text.value = "";
    typing(false);
    send(text);
  });
  // The visitor's typing reaches the agent (000's typing frames; 004 has no customer typing event).
  var typingSent = false, typingIdle = null;
  function typing(on) {
    clearTimeout(typingIdle);
    if (on) typingIdle = setTimeout(function () { typing(false); }, 3000);
    if (on === typingSent || state.flow !== "000" || !state.conversationId) return;
    if (!state.socket || state.socketState !== "open") return;
    typingSent = on;
    state.socket.send(JSON.stringify({ type: on ? "typing_start" : "typing_stop", conversation_id: state.conversationId }));
  }
  ui.text.addEventListener("input", function () { typing(ui.text.value.length > 0); });
  ui.clip.addEventListener("click", function () { ui.file.click(); });
  root.querySelector(".again").addEventListener("click", newConversation);
  ui.file.addEventListener("change", function () { attach(ui.file.files[0]); ui.file.value = ""; });
  ui.stars.addEventListener("click", function (event) {
    var score = event.target && event.target.dataset && event.target.dataset.score;
    if (score) rate(Number(score));
  });
  window.addEventListener("offline", function () { disconnect(); renderChrome(); });
  // 004 without a live socket (not connected yet, or the API has no customer socket): REST every 3 s.
  setInterval(function () {
    if (state.flow === "004" && state.conversationId && state.socketState !== "open" && navigator.onLine) resync();
  }, 3000);
  window.addEventListener("online", function () { state.retries = 0; connect(); });

  // ---- start ------------------------------------------------------------------------------------
  function start() {
    document.body.appendChild(host);
    setSocketState("closed");
    detectFlow().then(function (flow) {
      state.flow = flow; persist();
      return withVisitor(function () { return call("GET", "/api/v1/sites/" + encodeURIComponent(SITE)); });
    }).then(function (site) {
      applyConfig(site.widget_config);
      greet(); renderChrome(); renderBadge(); renderMessages();
      host.setAttribute("data-ready", "true");
      connect();
      if (state.flow === "000" && state.conversationId) resync();
    }).catch(function (error) {
      host.setAttribute("data-error", String(error.status || "network"));
      host.hidden = true; // refused (not on the site's domains, suspended, ...): show nothing rather than a broken widget
    });
  }
  window.__parleyWidget = { state: state, open: function () { toggle(true); } };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
