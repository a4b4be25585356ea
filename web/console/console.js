/* Parley agent console: seed 000's REST API (/api/v1) and WebSocket only. No framework, no build step. */
(function () {
  "use strict";
  var API = location.origin; // served by the API's own origin (CloudFront in front of both when deployed)
  var WS_URL = API.replace(/^http/, "ws") + "/ws"; // deployed: config.json (written by the CDK app) names it
  var $ = function (id) { return document.getElementById(id); };
  var session = JSON.parse(sessionStorage.getItem("parley-console") || "null");
  var state = { status: "active", conversations: [], current: null, messages: {}, socket: null, retries: 0,
    agents: [], typingSent: false, typingTimer: null, visitorTypingTimer: null, refreshTimer: null };

  // ---- HTTP ---------------------------------------------------------------------------------------
  function call(method, path, body, retried, idempotencyKey) {
    var headers = { Authorization: "Bearer " + (session && session.token) };
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey; // a retried send stays one message
    var init = { method: method, headers: headers };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(API + path, init).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (response.status === 401 && !retried && session && session.refresh_token) {
          return refresh().then(function () { return call(method, path, body, true, idempotencyKey); });
        }
        if (!response.ok) {
          var error = new Error((data && data.error && data.error.message) || "HTTP " + response.status);
          error.status = response.status; throw error;
        }
        return data && data.data;
      });
    });
  }
  function refresh() {
    return fetch(API + "/api/v1/auth/refresh", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: session.refresh_token }) }).then(function (r) {
      if (!r.ok) { logout(true); throw new Error("Session ended"); }
      return r.json();
    }).then(function (data) {
      session.token = data.data.token; session.refresh_token = data.data.refresh_token; save();
      reconnect();
    });
  }
  function save() { sessionStorage.setItem("parley-console", JSON.stringify(session)); }
  function q(value) { return encodeURIComponent(value); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- login --------------------------------------------------------------------------------------
  $("login").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var body = { username: form.username.value, password: form.password.value, site_id: form.site_id.value };
    fetch(API + "/api/v1/auth/support/login", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) }).then(function (r) { return r.json().then(function (d) { return [r, d]; }); })
      .then(function (pair) {
        if (!pair[0].ok) throw new Error(pair[1].error ? pair[1].error.message : "Login failed");
        var data = pair[1].data;
        session = { token: data.token, refresh_token: data.refresh_token, user: data.user, site_id: body.site_id };
        save(); start();
      }).catch(function (error) { form.querySelector(".error").textContent = error.message; });
  });

  function logout(local) {
    var done = function () { sessionStorage.removeItem("parley-console"); location.reload(); };
    if (local) return done();
    call("POST", "/api/v1/auth/logout", {}).then(done, done);
  }
  $("logout").addEventListener("click", function () { logout(false); });

  // ---- inbox --------------------------------------------------------------------------------------
  function loadInbox() {
    return call("GET", "/api/v1/conversations?site_id=" + q(session.site_id) + "&status=" + state.status + "&limit=50")
      .then(function (data) { state.conversations = data.conversations; renderInbox(); });
  }
  function renderInbox() {
    var list = $("conversations");
    list.innerHTML = "";
    var unreadOpen = 0;
    state.conversations.forEach(function (c) {
      if (c.status === "active") unreadOpen += c.unread_count || 0;
      var item = el("li"), button = el("button");
      button.type = "button"; button.dataset.id = c.id;
      if (state.current && state.current.id === c.id) button.className = "current";
      button.appendChild(el("strong", "", c.visitor.name || c.visitor.id));
      button.appendChild(el("small", "", (c.last_message && c.last_message.content) || "(no messages yet)"));
      button.appendChild(el("small", "", c.status + (c.assigned_agent ? " - " + c.assigned_agent.username : " - unassigned")));
      if (c.unread_count) button.appendChild(el("span", "unread", String(c.unread_count)));
      button.addEventListener("click", function () { openConversation(c.id); });
      item.appendChild(button); list.appendChild(item);
    });
    if (state.status === "active") document.querySelector('[data-count="active"]').textContent = unreadOpen ? "(" + unreadOpen + ")" : "";
  }
  document.querySelectorAll(".tabs button").forEach(function (tab) {
    tab.addEventListener("click", function () {
      state.status = tab.dataset.status;
      document.querySelectorAll(".tabs button").forEach(function (t) { t.setAttribute("aria-selected", String(t === tab)); });
      loadInbox();
    });
  });
  // Many live events change the list; one reload a moment later answers them all.
  function refreshSoon() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(function () { loadInbox(); loadDashboard(); loadNotifications(); }, 250);
  }

  // ---- one conversation ---------------------------------------------------------------------------
  function openConversation(id) {
    state.messages = {};
    $("typing").textContent = "";
    return call("GET", "/api/v1/conversations/" + q(id)).then(function (c) {
      state.current = c;
      $("empty").hidden = true; $("conversation").hidden = false;
      renderHead();
      return call("GET", "/api/v1/messages?conversation_id=" + q(id) + "&limit=100");
    }).then(function (page) {
      page.messages.forEach(addMessage);
      renderMessages();
      loadAnalysis();
      call("POST", "/api/v1/messages/read", { conversation_id: id }).then(refreshSoon, function () {});
      $("reply-text").focus();
    });
  }
  function renderHead() {
    var c = state.current;
    $("visitor-name").textContent = c.visitor.name || c.visitor.id;
    $("conv-meta").textContent = c.status + " - " + (c.assigned_agent ? "assigned to " + c.assigned_agent.username : "unassigned");
    $("close").disabled = c.status === "closed";
    $("assign-me").disabled = c.status === "closed";
    $("reply-text").disabled = c.status === "closed";
    var select = $("assign-to");
    select.innerHTML = "";
    select.appendChild(new Option("Assign to...", ""));
    state.agents.forEach(function (a) { select.appendChild(new Option(a.username + " (" + a.status + ")", a.id)); });
  }
  function addMessage(m) { state.messages[m.id] = m; }
  function renderMessages() {
    var list = $("messages");
    list.innerHTML = "";
    Object.keys(state.messages).map(function (k) { return state.messages[k]; })
      .sort(function (a, b) { return a.seq - b.seq; }).forEach(function (m) {
        var item = el("li", m.from);
        item.dataset.seq = m.seq;
        item.appendChild(el("span", "who", m.from === "visitor" ? (m.sender && m.sender.name) || "Visitor" : (m.sender && m.sender.name) || m.from));
        item.appendChild(el("span", "body", m.content || ""));
        if (m.file && m.file.url) {
          var image = /^image\//.test(m.file.mime_type || m.file.content_type || "");
          var link = el(image ? "img" : "a");
          if (image) { link.src = m.file.thumbnail_url || m.file.url; link.alt = m.file.name || "image"; }
          else { link.href = m.file.url; link.textContent = m.file.name || "file"; link.target = "_blank"; }
          item.appendChild(link);
        }
        if (m.analysis && m.analysis.sentiment) item.appendChild(el("span", "mood", "sentiment: " + m.analysis.sentiment));
        list.appendChild(item);
      });
    list.scrollTop = list.scrollHeight;
  }
  function loadAnalysis() {
    if (!state.current) return;
    call("GET", "/api/v1/analysis/conversation/" + q(state.current.id)).then(function (a) {
      var box = $("analysis");
      box.innerHTML = "";
      [["Sentiment", a.overall_sentiment], ["Interest", a.interest_level], ["Conversion", a.conversion_probability + "%"],
        ["Topics", (a.key_topics || []).join(", ") || "-"], ["Next", (a.recommended_actions || []).join("; ")],
        ["Summary", a.summary]].forEach(function (row) {
        var p = el("p"); p.appendChild(el("strong", "", row[0] + ": ")); p.appendChild(document.createTextNode(row[1] || "-"));
        box.appendChild(p);
      });
    }, function () { $("analysis").textContent = "-"; });
  }

  $("reply").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("reply-text").value.trim();
    if (!text || !state.current) return;
    $("reply-text").value = "";
    stopTyping();
    var clientId = "c_" + Date.now().toString(36) + Math.random().toString(36).slice(2);
    call("POST", "/api/v1/messages", { conversation_id: state.current.id, content: text, type: "text" }, false, clientId)
      .then(function (m) { addMessage(m); renderMessages(); }, function (error) { showError(error.message); });
  });
  $("reply-text").addEventListener("input", function () {
    if (!state.current || !state.socket || state.socket.readyState !== 1) return;
    if (!state.typingSent) { state.socket.send(JSON.stringify({ type: "typing_start", to: state.current.id })); state.typingSent = true; }
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(stopTyping, 3000);
  });
  function showError(text) { $("typing").textContent = "Error: " + text; }
  function stopTyping() {
    clearTimeout(state.typingTimer);
    if (state.typingSent && state.socket && state.socket.readyState === 1 && state.current) {
      state.socket.send(JSON.stringify({ type: "typing_stop", to: state.current.id }));
    }
    state.typingSent = false;
  }
  function assign(agentId) {
    call("PATCH", "/api/v1/conversations/" + q(state.current.id) + "/assign", { agent_id: agentId })
      .then(function () { return openConversation(state.current.id); }).then(refreshSoon, function (e) { showError(e.message); });
  }
  $("assign-me").addEventListener("click", function () { assign(session.user.id); });
  $("assign-to").addEventListener("change", function (event) { if (event.target.value) assign(event.target.value); });
  $("close").addEventListener("click", function () {
    call("PATCH", "/api/v1/conversations/" + q(state.current.id) + "/close", {})
      .then(function () { return openConversation(state.current.id); }).then(refreshSoon, function (e) { showError(e.message); });
  });

  // ---- presence, notifications, dashboard ---------------------------------------------------------
  $("presence").addEventListener("change", function (event) {
    call("PATCH", "/api/v1/agents/status", { status: event.target.value }).catch(function (e) { showError(e.message); });
  });
  function loadAgents() {
    return call("GET", "/api/v1/agents?site_id=" + q(session.site_id)).then(function (data) {
      state.agents = data.agents;
      var me = data.agents.filter(function (a) { return a.id === session.user.id; })[0];
      if (me && me.status !== "offline") $("presence").value = me.status;
      if (state.current) renderHead();
    });
  }
  function loadNotifications() {
    return call("GET", "/api/v1/notifications?unread_only=true").then(function (data) {
      $("notif-count").textContent = String(data.unread_count);
      var box = $("notifications");
      box.innerHTML = "";
      data.notifications.slice(0, 20).forEach(function (n) { box.appendChild(el("div", "", n.title + ": " + n.message)); });
    });
  }
  $("bell").addEventListener("click", function () {
    var box = $("notifications");
    box.hidden = !box.hidden;
    if (!box.hidden) call("POST", "/api/v1/notifications/read", {}).then(loadNotifications, function () {});
  });
  function loadDashboard() {
    return call("GET", "/api/v1/analytics/dashboard?site_id=" + q(session.site_id) + "&period=today").then(function (d) {
      var box = $("dashboard");
      box.innerHTML = "";
      [["Conversations today", d.total_conversations], ["Open", d.active_conversations], ["Messages", d.messages_sent],
        ["Avg. first response", d.average_response_time + " s"], ["CSAT", d.customer_satisfaction]].forEach(function (f) {
        var card = el("div"); card.appendChild(el("b", "", String(f[1]))); card.appendChild(document.createTextNode(f[0]));
        box.appendChild(card);
      });
    });
  }

  // ---- realtime -----------------------------------------------------------------------------------
  function connect() {
    if (state.socket || !session) return;
    var socket = new WebSocket(WS_URL + "?site_id=" + q(session.site_id) + "&role=support&token=" + q(session.token));
    state.socket = socket;
    socket.onopen = function () {
      state.retries = 0; $("live").textContent = "live"; $("live").className = "live on";
      refreshSoon(); loadAgents();
      if (state.current) openConversation(state.current.id); // what was missed while the socket was down
    };
    socket.onmessage = function (event) { var frame; try { frame = JSON.parse(event.data); } catch (e) { return; } onFrame(frame); };
    socket.onclose = function () {
      if (state.socket !== socket) return;
      state.socket = null; $("live").textContent = "reconnecting"; $("live").className = "live";
      setTimeout(connect, Math.min(30000, 500 * Math.pow(2, state.retries++)));
    };
  }
  function reconnect() { var s = state.socket; state.socket = null; if (s) s.close(); connect(); }

  function onFrame(frame) {
    var current = state.current && frame.conversation_id === state.current.id;
    switch (frame.type) {
      case "message":
        if (current) {
          addMessage(frame); renderMessages();
          if (frame.from === "visitor") call("POST", "/api/v1/messages/read", { conversation_id: frame.conversation_id }).then(refreshSoon, function () {});
        }
        if (frame.from === "visitor") notify("New message from " + ((frame.sender && frame.sender.name) || "a visitor"), frame.content);
        refreshSoon();
        break;
      case "typing_start": case "typing_stop":
        if (current && frame.from === "visitor") {
          $("typing").textContent = frame.type === "typing_start" ? (frame.name || "Visitor") + " is typing..." : "";
          clearTimeout(state.visitorTypingTimer);
          state.visitorTypingTimer = setTimeout(function () { $("typing").textContent = ""; }, 8000);
        }
        break;
      case "analysis":
        if (current) {
          if (state.messages[frame.message_id]) { state.messages[frame.message_id].analysis = frame.analysis; renderMessages(); }
          loadAnalysis();
        }
        break;
      case "conversation_created":
        notify("New conversation", frame.name || "A visitor"); refreshSoon(); break;
      case "conversation_assigned": case "conversation_closed": case "conversation_rated":
        if (current) openConversation(state.current.id);
        refreshSoon(); break;
      case "support_joined": case "support_left": loadAgents(); break;
      case "error":
        if (frame.code === "UNAUTHORIZED") logout(true);
        break;
    }
  }
  // Desktop notifications when allowed; the bell counts them either way.
  function notify(title, body) {
    if (document.hasFocus() || !("Notification" in window) || Notification.permission !== "granted") return;
    try { new Notification(title, { body: body || "" }); } catch (e) { /* not supported here */ }
  }

  function start() {
    $("login").hidden = true; $("app").hidden = false;
    $("site").textContent = session.site_id;
    $("me").textContent = session.user.username;
    if ("Notification" in window && Notification.permission === "default") {
      try { Promise.resolve(Notification.requestPermission()).catch(function () {}); } catch (e) { /* old API */ }
    }
    Promise.all([loadInbox(), loadAgents(), loadDashboard(), loadNotifications()]).catch(function (e) {
      if (e.status === 401) logout(true);
    });
    connect();
  }
  // config.json exists where the CDK app deployed the console (the WebSocket API's own endpoint); locally it
  // does not, and the API's origin serves both.
  fetch("config.json").then(function (r) { return r.ok ? r.json() : {}; }).catch(function () { return {}; })
    .then(function (config) { if (config && config.ws) WS_URL = config.ws; if (session) start(); });
})();
