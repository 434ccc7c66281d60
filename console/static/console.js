// 听风 console: a small hash-routed page over the JSON API. All user-facing text is Chinese.
"use strict";
const $view = document.getElementById("view");
let config = null;
let timers = [];
// the logged-in user ({auth: false} when the server runs without login; see GET /api/me)
let me = { auth: false };
class AuthError extends Error {}

const SEV = { I: "特别重大", II: "重大", III: "较大", IV: "一般" };
const SENT = { negative: ["负面", "neg"], neutral: ["中性", "neu"], positive: ["正面", "pos"] };
const TREND = { rising: "↑ 上升", steady: "→ 平稳", falling: "↓ 回落", quiet: "· 平静" };
// extracted figures, named as an analyst would read them
const FIGURE = { deaths: "死亡", injured: "受伤", seriously_injured: "重伤", trapped: "被困", missing: "失联/失踪",
  poisoned: "中毒/发病", hospitalized: "送医", evacuated: "转移", gathered: "聚集", households: "涉及户数",
  complainants: "集体投诉人（户）数" };
const figureTag = ([k, v]) => `<span class="tag">${esc(FIGURE[k] || k)} ${v}</span>`;
const STATUS = { open: "待签收", acknowledged: "处置中", closed: "已办结" };
const PLATFORM = { weibo: "微博", forum: "论坛", tieba: "贴吧", news: "新闻", gov_board: "留言板" };

function esc(s) { return String(s ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }
async function api(path, opts) {
  const r = await fetch(path, opts);
  const body = await r.json().catch(() => ({}));
  if (r.status === 401 && path !== "/api/login") { showLogin(); throw new AuthError(body.message || "请先登录"); }
  if (!r.ok) throw new Error(body.message || `请求失败（${r.status}）`);
  return body;
}
const loggedIn = () => me.auth && !!me.username;

// login: shown whenever the API answers 401 (no session, or it expired)
function showLogin(msg) {
  if (document.getElementById("login-form")) return;
  me = { auth: true };
  renderUser();
  $view.innerHTML = `<div class="card login-box"><h2>登录听风</h2>
    <form id="login-form">
      <label>用户名 <input name="username" required maxlength="64" autocomplete="username"></label>
      <label>密码 <input name="password" type="password" required maxlength="256" autocomplete="current-password"></label>
      <button>登录</button> <span class="login-msg${msg ? " muted" : ""}">${esc(msg || "")}</span>
    </form><p class="muted">请使用管理员为您开通的账号登录。</p></div>`;
  const form = document.getElementById("login-form");
  form.username.focus();
  form.onsubmit = async ev => {
    ev.preventDefault();
    const out = form.querySelector(".login-msg");
    form.querySelector("button").disabled = true;
    try {
      me = await api("/api/login", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: form.username.value.trim(), password: form.password.value }) });
      renderUser();
      await start();
    } catch (err) {
      form.querySelector("button").disabled = false;
      form.password.value = "";
      out.className = "login-msg err"; out.textContent = err.message;
    }
  };
}
function renderUser() {
  const el = document.getElementById("user");
  if (!el) return;
  if (!loggedIn()) { el.innerHTML = ""; return; }
  const where = me.department_name ? `·${me.department_name}` : "";
  el.innerHTML = `<span class="who" title="${esc(me.username)}">${esc(me.display_name)}（${esc(me.role_name)}${esc(where)}）</span> <button id="logout" class="linkbtn">退出</button>`;
  document.getElementById("logout").onclick = async () => {
    await fetch("/api/logout", { method: "POST" }).catch(() => null);
    showLogin("已退出登录");
  };
}
function fmtTime(iso) { const d = new Date(iso); return d.toLocaleString("zh-CN", { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false }); }
function sev(s) { return `<span class="sev sev-${s}" title="${SEV[s] || ""}">${s}</span>`; }
function remaining(dueIso) {
  const secs = Math.round((new Date(dueIso) - Date.now()) / 1000);
  const a = Math.abs(secs), h = Math.floor(a / 3600), m = Math.floor((a % 3600) / 60), s = a % 60;
  const txt = `${h}小时${String(m).padStart(2, "0")}分${String(s).padStart(2, "0")}秒`;
  return secs >= 0 ? `剩余 ${txt}` : `超时 ${txt}`;
}
function obligationHtml(o) {
  const live = o.status === "pending" || o.status === "overdue";
  const cd = live ? `<span class="countdown" data-due="${o.due_at}">${remaining(o.due_at)}</span>` : "";
  return `<div>${esc(o.kind_name)}：<span class="st-${o.status}">${esc(o.status_name)}</span> ${cd}
    <span class="muted">截止 ${fmtTime(o.due_at)}${o.met_at ? "，完成于 " + fmtTime(o.met_at) : ""}</span></div>`;
}
function tickCountdowns() {
  document.querySelectorAll(".countdown").forEach(el => {
    el.textContent = remaining(el.dataset.due);
    el.classList.toggle("st-overdue", new Date(el.dataset.due) < Date.now());
  });
  document.getElementById("clock").textContent = new Date().toLocaleString("zh-CN", { hour12: false });
}
function bars(obj, max = 12) {
  const entries = Object.entries(obj).sort((a, b) => b[1] - a[1]).slice(0, max);
  const top = Math.max(1, ...entries.map(e => e[1]));
  return entries.map(([k, v]) => `<div class="bar"><span class="k" title="${esc(k)}">${esc(k)}</span><span class="b" style="width:${Math.round(260 * v / top)}px"></span><span>${v}</span></div>`).join("");
}
function lineChart(points, key, label) {
  if (!points.length) return "";
  const w = 600, h = 160, pad = 24, max = Math.max(1, ...points.map(p => p[key]));
  const xs = i => pad + (points.length === 1 ? 0 : i * (w - 2 * pad) / (points.length - 1));
  const ys = v => h - pad - v * (h - 2 * pad) / max;
  const d = points.map((p, i) => `${i ? "L" : "M"}${xs(i).toFixed(1)},${ys(p[key]).toFixed(1)}`).join(" ");
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(label)}">
    <text x="${pad}" y="14" font-size="12" fill="#8a919c">${esc(label)}（峰值 ${max}）</text>
    <path d="${d}" fill="none" stroke="#1677ff" stroke-width="2"/></svg>`;
}

async function overview() {
  const s = await api("/api/stats");
  const alerts = await api("/api/alerts?status=active&limit=8");
  const events = await api("/api/events?status=open&limit=8");
  const ob = s.obligations || {};
  $view.innerHTML = `
  <div class="cards">
    <div class="card"><div class="n">${s.posts}</div><div class="l">已采集帖子</div></div>
    <div class="card"><div class="n">${s.open_events}</div><div class="l">进行中事件</div></div>
    <div class="card"><div class="n">${s.active_alerts}</div><div class="l">未办结预警</div></div>
    <div class="card"><div class="n">${ob.pending || 0}</div><div class="l">倒计时中的时限</div></div>
    <div class="card"><div class="n" style="color:#d4380d">${ob.overdue || 0}</div><div class="l">已超时</div></div>
    <div class="card"><div class="n">${s.rejected}</div><div class="l">拒收记录</div></div>
    <div class="card"><div class="n"${(s.notifications || {}).abandoned ? ' style="color:#d4380d"' : ""}>${(s.notifications || {}).abandoned || 0}</div><div class="l">通知未送达（已放弃重发）</div></div>
  </div>
  <h2>最紧迫的预警</h2>${alertTable(alerts.items)}
  <h2>热度最高的事件</h2>${eventTable(events.items)}
  <div class="grid2">
    <div class="card"><h2>主题分布</h2>${bars(s.by_topic)}</div>
    <div class="card"><h2>等级分布</h2>${bars(Object.fromEntries(Object.entries(s.by_severity).map(([k, v]) => [k + " " + (SEV[k] || ""), v])))}
      <h2>情感分布</h2>${bars(Object.fromEntries(Object.entries(s.by_sentiment).map(([k, v]) => [(SENT[k] || [k])[0], v])))}</div>
  </div>
  <h2>每日帖子量</h2>${lineChart(s.per_day, "posts", "每日帖子量")}`;
}
function alertTable(items) {
  if (!items.length) return `<p class="muted">暂无预警</p>`;
  return `<table><thead><tr><th>等级</th><th>事件</th><th>主办部门</th><th>协办</th><th>时限</th><th>状态</th></tr></thead><tbody>${items.map(a => `
    <tr class="clickable" data-href="#/events/${a.event_id}"><td>${sev(a.severity)}</td><td>${esc(a.event_title)}</td>
    <td>${esc(a.department_name)}</td><td>${a.co_department_names.map(n => `<span class="tag">${esc(n)}</span>`).join("")}</td>
    <td>${a.obligations.map(obligationHtml).join("") || '<span class="muted">无</span>'}</td><td>${STATUS[a.status] || a.status}</td></tr>`).join("")}</tbody></table>`;
}
function eventTable(items) {
  if (!items.length) return `<p class="muted">暂无事件</p>`;
  return `<table><thead><tr><th>等级</th><th>事件</th><th>主题</th><th>属地</th><th>帖子</th><th>热度</th><th>趋势</th><th>主办</th><th>最新</th></tr></thead><tbody>${items.map(e => `
    <tr class="clickable" data-href="#/events/${e.id}"><td>${sev(e.severity)}</td><td>${esc(e.title)}${e.rumor ? ' <span class="tag">疑似谣言</span>' : ""}${e.suspected_major ? ' <span class="tag warn" title="有帖子被模型判为可能达到重大，但没有可核对的数字，未自动定级">疑似重大·请研判</span>' : ""}</td>
    <td>${esc(e.topic_name)}</td><td>${esc(e.township || "—")}</td><td>${e.post_count}</td><td>${e.heat}</td>
    <td>${TREND[e.trend] || e.trend}</td><td>${esc(e.lead_department_name)}</td><td>${fmtTime(e.last_published_at)}</td></tr>`).join("")}</tbody></table>`;
}
function postHtml(p, opts = {}) {
  const sc = p.score;
  const s = sc ? SENT[sc.sentiment] : ["未分析", "neu"];
  const figs = sc && sc.explanation && sc.explanation.figures ? Object.entries(sc.explanation.figures).filter(([k, v]) => typeof v === "number" && v > 0).map(figureTag).join("") : "";
  return `<div class="post"><div class="meta">${PLATFORM[p.platform] || p.platform} · ${esc(p.author || "匿名")} · ${fmtTime(p.published_at)}
    ${p.duplicate_of ? ' · <span class="tag">转载/近似</span>' : ""}
    ${p.event_link ? ` · <span class="tag linked" title="这条帖子与事件中的帖子文字相似度不高，由同一事件关联模型按属地、主题、事件类型和时间相近归入（关联帖子 #${p.event_link.partner_post}，概率 ${p.event_link.probability.toFixed(3)}）。如归并有误，请在研判时注意区分">模型关联归入 ${p.event_link.probability.toFixed(3)}</span>` : ""}
    ${sc && sc.explanation && sc.explanation.suspected_major ? ' · <span class="tag warn" title="模型判断可能达到重大，但帖子没有给出可核对的数字，未自动定级">疑似重大·请研判核实</span>' : ""}
    ${sc ? ` · ${sev(sc.severity)} <span class="${s[1]}">${s[0]}</span> · ${esc(config.topics[sc.topic] || sc.topic)} · ${esc(sc.township || "属地未明")}` : ""}</div>
    ${p.title ? `<b>${esc(p.title)}</b><br>` : ""}${esc(p.text)} ${figs}
    ${sc ? `<div><button class="linkbtn explain" data-post="${p.id}">判断依据</button>${opts.detach ? ` <button class="linkbtn detach" data-post="${p.id}">移出事件</button>` : ""}</div><div class="explain-box" data-for="${p.id}" hidden></div>` : ""}
    ${opts.detach ? detachForm(p) : ""}</div>`;
}

// "判断依据": the rules, the figures and — when the model runs — the sentences and words
// whose removal most lowers the model's confidence in its label (occlusion)
const TASK = { sentiment: "情感", topic: "主题", disposition: "处置方式", severity: "等级" };
function labelName(task, lab) {
  if (task === "sentiment") return (SENT[lab] || [lab])[0];
  if (task === "topic") return config.topics[lab] || lab;
  if (task === "severity") return `${lab} ${SEV[lab] || ""}`;
  if (task === "disposition") return lab === "none" ? "无需专门处置" : String((config.dispositions || {})[lab] || lab).split("—")[0].trim();
  return lab;
}
// shaded by the drop in log-odds, which still ranks the words when the model is all but
// certain (its probability then hardly moves); spans under 0.1 of log-odds stay plain
function highlighted(text, spans, task) {
  const odds = s => (s.log_odds || s.scores || {})[task] || 0;
  const top = Math.max(0.1 / 0.15, ...spans.map(odds));
  let out = "", pos = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start < pos) continue;
    const w = Math.max(0, odds(s) / top);
    out += esc(text.slice(pos, s.start));
    out += w > 0.15 ? `<mark style="background:rgba(250,140,22,${(0.15 + 0.6 * w).toFixed(2)})" title="删去后把握下降 ${(100 * (s.scores[task] || 0)).toFixed(1)} 个百分点（对数几率下降 ${odds(s).toFixed(2)}）">${esc(text.slice(s.start, s.end))}</mark>` : esc(text.slice(s.start, s.end));
    pos = s.end;
  }
  return out + esc(text.slice(pos));
}
async function showExplanation(box, id) {
  box.hidden = !box.hidden;
  if (box.hidden || box.dataset.loaded) return;
  box.innerHTML = `<p class="muted">正在计算…</p>`;
  try {
    const d = await api(`/api/posts/${id}/explain`);
    const ex = d.explanation || {};
    const rules = (ex.rules || []).map(r => `<li>${esc(r)}</li>`).join("");
    let html = `<h3>规则与数字</h3><ul class="rules">${rules || "<li class=\"muted\">无</li>"}</ul>`;
    if (d.model) {
      const m = d.model;
      html += `<h3>模型的判断与把握</h3><p>${Object.entries(m.labels).filter(([t]) => TASK[t]).map(([t, lab]) =>
        `<span class="tag">${TASK[t]}：${esc(labelName(t, lab))} ${(100 * (m.confidence[t] || 0)).toFixed(0)}%</span>`).join("")}</p>`;
      // the two binary heads the grade leans on: 重大及以上 (I/II) and 较大及以上 (I–III)
      const heads = [["major", "重大及以上（I/II）"], ["serious", "较大及以上（I–III）"]]
        .filter(([k]) => ex.model && typeof ex.model[k] === "number")
        .map(([k, name]) => `<span class="tag">${name}的概率 ${(100 * ex.model[k]).toFixed(0)}%</span>`).join("");
      if (heads) html += `<p class="grade-heads">${heads}</p>`;
      for (const task of ["sentiment", "topic"]) {
        const spans = m.words.length ? m.words : m.sentences;
        html += `<h3>${TASK[task]}依据（颜色越深越关键）</h3><p class="hl">${highlighted(m.text, spans, task)}</p>`;
      }
      html += `<p class="muted">${esc(m.method)}</p>`;
    } else if (d.note) {
      html += `<p class="muted">${esc(d.note)}</p>`;
    }
    box.innerHTML = html;
    box.dataset.loaded = "1";
  } catch (e) {
    box.innerHTML = `<p class="err">${esc(e.message)}</p>`;
  }
}
// 移出事件: an analyst who finds a post grouped into the wrong event moves it (with its
// reposts) into an event of its own; the server keeps the old event's running clocks
function detachForm(p) {
  const actor = loggedIn() ? "" : `<label>研判人 <input name="actor" required maxlength="100" value="${esc(localStorage.getItem("tingfeng.actor") || "")}" placeholder="姓名"></label>`;
  return `<form class="detach-form card" data-for="${p.id}" hidden>
    <p>将这条帖子（及其在本事件中的转载）移出，另立一个事件。原事件已在办的预警与时限保持不变，如需调整请人工定级。</p>
    ${actor}<label>理由 <input name="reason" required maxlength="4000" size="40" placeholder="如：所述为另一起事故"></label>
    <button>确认移出</button> <span class="detach-msg"></span></form>`;
}
async function detachPost(form) {
  await postSigned(form, "detach-msg", `/api/posts/${form.dataset.for}/detach`, {}, "请填写研判人和理由",
    ev => { location.hash = `#/events/${ev.id}`; });
}
// a form an analyst signs with a reason (人工定级, 移出事件): both must be filled (without login
// the actor is typed, and remembered for the next form); the body goes to ``url`` and ``done``
// runs with the answer; any error, the server's included, shows in the form's message
async function postSigned(form, msgClass, url, fields, missing, done) {
  const msg = form.querySelector(`.${msgClass}`);
  const body = { ...fields, reason: form.reason.value.trim() };
  if (form.actor) body.actor = form.actor.value.trim();  // with login the server records the user
  if ((form.actor && !body.actor) || !body.reason) { msg.className = `${msgClass} err`; msg.textContent = missing; return; }
  if (body.actor) localStorage.setItem("tingfeng.actor", body.actor);
  form.querySelector("button").disabled = true;
  try {
    await done(await api(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }));
  } catch (err) {
    form.querySelector("button").disabled = false;
    msg.className = `${msgClass} err`; msg.textContent = err.message;
  }
}
async function events() {
  const data = await api("/api/events?limit=100");
  $view.innerHTML = `<h2>事件（共 ${data.total} 个，按热度排序）</h2>${eventTable(data.items)}`;
}
async function eventDetail(id) {
  const e = await api(`/api/events/${id}`);
  const canDetach = e.status !== "closed" && e.posts.length > 1 && !(loggedIn() && !(me.can || {}).grade);
  $view.innerHTML = `<h2>${sev(e.severity)} ${esc(e.title)}</h2>
    ${e.suspected_major ? `<p class="tag warn">疑似重大：有帖子被模型判为可能达到重大（I/II），但没有给出可核对的伤亡、聚集等数字，系统未自动定级、未启动 5 小时时限。请会商研判、核实规模，并在下方“人工定级”中定级。</p>` : ""}
    <div class="cards">
      <div class="card"><div class="n">${e.heat}</div><div class="l">热度（${TREND[e.trend] || e.trend}）</div></div>
      <div class="card"><div class="n">${e.post_count}</div><div class="l">帖子（独立声音 ${e.voice_count}）</div></div>
      <div class="card"><div class="n">${e.negative_count}</div><div class="l">负面帖子</div></div>
      <div class="card"><div class="l">主题 / 属地</div><div>${esc(e.topic_name)} / ${esc(e.township || "未明")}</div></div>
      <div class="card"><div class="l">主办部门</div><div>${esc(e.lead_department_name)}</div></div>
    </div>
    ${Object.keys(e.figures).length ? `<p>提取的数字：${Object.entries(e.figures).map(figureTag).join("")}</p>` : ""}
    <h2>预警与时限</h2>${alertTable(e.alerts)}
    ${gradeBox(e)}
    <h2>走势（每小时帖子数）</h2>${lineChart(e.series, "posts", "每小时帖子数")}
    <h2>帖子（按时间）</h2>${e.posts.map(p => postHtml(p, { detach: canDetach })).join("")}`;
  $view.querySelectorAll("button.detach").forEach(b => b.onclick = () => {
    const f = $view.querySelector(`form.detach-form[data-for="${b.dataset.post}"]`);
    f.hidden = !f.hidden;
  });
  $view.querySelectorAll("form.detach-form").forEach(f => f.onsubmit = ev => { ev.preventDefault(); detachPost(f); });
  const form = document.getElementById("grade-form");
  if (form) form.onsubmit = ev => { ev.preventDefault(); gradeEvent(id, form); };
}
// 人工定级 after 会商研判: the grade sticks; raising to I/II starts the 5h/24h clocks from now
function gradeBox(e) {
  if (e.status === "closed") return "";
  if (loggedIn() && !(me.can || {}).grade) {
    return `<h2>人工定级（会商研判）</h2><p class="muted grade-denied">您的角色（${esc(me.role_name)}）不能定级：人工定级由分析研判人员、领导或管理员进行。</p>`;
  }
  const actorField = loggedIn()
    ? `<span class="grade-actor">研判人：${esc(me.display_name)}</span>`
    : `<label>研判人 <input name="actor" required maxlength="100" value="${esc(localStorage.getItem("tingfeng.actor") || "")}" placeholder="姓名"></label>`;
  const current = e.manual_severity
    ? `当前为人工定级 ${sev(e.manual_severity)}（${esc(e.graded_by || "")}，${fmtTime(e.graded_at)}）：${esc(e.grade_reason || "")}。此后只有新采集的帖子能再提高等级。`
    : "当前等级由系统根据帖子自动判定。";
  const options = Object.keys(SEV).map(g => `<option value="${g}"${g === e.severity ? " selected" : ""}>${g} ${SEV[g]}</option>`).join("");
  return `<h2>人工定级（会商研判）</h2><div class="card grade-box">
    <p class="grade-current">${current}</p>
    <form id="grade-form">
      <label>等级 <select name="grade">${options}</select></label>
      ${actorField}
      <label>理由 <input name="reason" required maxlength="4000" size="48" placeholder="会商研判结论，如：经核实已有12人遇难"></label>
      <button>确认定级</button> <span class="grade-msg"></span>
    </form>
    <p class="muted">升为 I/II 级即开启预警，发布权威信息（5 小时）、举行新闻发布会（24 小时）时限自确认时起算；降级时不再适用的未完成时限将被撤销并留痕。</p></div>`;
}
async function gradeEvent(id, form) {
  const grade = form.grade.value;
  await postSigned(form, "grade-msg", `/api/events/${id}/grade`, { grade }, "请填写研判人和定级理由", async () => {
    await eventDetail(id);
    tickCountdowns();
    const done = document.querySelector("#grade-form .grade-msg");
    if (done) { done.className = "grade-msg st-met"; done.textContent = `已定为 ${grade} 级`; }
  });
}
async function alerts() {
  const data = await api("/api/alerts?limit=200");
  $view.innerHTML = `<h2>预警与回应时限（共 ${data.total} 条，最紧迫在前）</h2>${alertTable(data.items)}`;
}
async function posts() {
  const q = new URLSearchParams(location.hash.split("?")[1] || "").get("q") || "";
  const data = await api(`/api/posts?limit=100${q ? "&q=" + encodeURIComponent(q) : ""}`);
  $view.innerHTML = `<form id="search"><input name="q" value="${esc(q)}" placeholder="全文检索，如：停水 城关镇" size="40"> <button>检索</button></form>
    <h2>帖子（共 ${data.total} 条）</h2>${data.items.map(postHtml).join("")}`;
  document.getElementById("search").onsubmit = ev => { ev.preventDefault(); location.hash = "#/posts?q=" + encodeURIComponent(ev.target.q.value); };
}
async function sources() {
  const items = await api("/api/sources");
  const state = s => s.running ? `<span class="st-pending">采集中</span>` : s.state === "paused" ? `<span class="st-overdue">${s.manually_paused ? "人工暂停" : "熔断暂停"}</span>` : s.state === "probing" ? `<span class="st-met_late">试探恢复</span>` : (s.enabled ? `<span class="st-met">正常</span>` : `<span class="muted">已停用</span>`);
  $view.innerHTML = `<h2>采集来源（${items.length} 个）</h2>` + (items.length ? `<table><thead><tr><th>名称</th><th>类型</th><th>间隔</th><th>状态</th><th>连续失败</th><th>暂停至</th><th>上次采集</th><th>上次结果</th></tr></thead><tbody>${items.map(s => `
    <tr><td>${esc(s.name)}</td><td>${esc(s.kind_name || s.kind)}</td><td>${Math.round(s.interval_seconds / 60)} 分钟</td><td>${state(s)}</td>
    <td>${s.consecutive_failures}</td><td>${s.paused_until ? fmtTime(s.paused_until) : "—"}</td><td>${s.last_run_at ? fmtTime(s.last_run_at) : "从未"}</td>
    <td class="muted">${esc(Object.entries(s.last_summary || {}).filter(([k, v]) => typeof v !== "object").map(([k, v]) => k + " " + v).join("，"))}</td></tr>`).join("")}</tbody></table>`
    : `<p class="muted">尚未配置采集来源。用 <code>tingfeng sources import crawlers/sources.example.yaml</code> 导入示例配置。</p>`);
}
async function route() {
  const h = location.hash || "#/";
  document.querySelectorAll("nav a").forEach(a => a.classList.toggle("active", h.startsWith(a.getAttribute("href")) && (a.getAttribute("href") !== "#/" || h === "#/")));
  try {
    let m;
    if ((m = h.match(/^#\/events\/(\d+)/))) await eventDetail(m[1]);
    else if ((m = h.match(/^#\/alerts\/(\d+)/))) await eventDetail((await api(`/api/alerts/${m[1]}`)).event_id);  // link in notifications
    else if (h.startsWith("#/events")) await events();
    else if (h.startsWith("#/alerts")) await alerts();
    else if (h.startsWith("#/posts")) await posts();
    else if (h.startsWith("#/sources")) await sources();
    else await overview();
  } catch (e) { if (!(e instanceof AuthError)) $view.innerHTML = `<p class="neg">加载失败：${esc(e.message)}</p>`; }
  tickCountdowns();
}
$view.addEventListener("click", ev => {
  const btn = ev.target.closest("button.explain");
  if (btn) { showExplanation($view.querySelector(`.explain-box[data-for="${btn.dataset.post}"]`), btn.dataset.post); return; }
  const tr = ev.target.closest("tr[data-href]"); if (tr) location.hash = tr.dataset.href;
});
window.addEventListener("hashchange", route);
async function start() {
  config = await api("/api/config");
  const h = await api("/api/health");
  document.getElementById("county").textContent = config.county + " 政务舆情监测与回应";
  document.getElementById("analyzer").textContent = h.analyzer;
  document.getElementById("db").textContent = h.database;
  await route();
}
(async () => {
  setInterval(tickCountdowns, 1000);
  try {
    me = await api("/api/me");
    renderUser();
    await start();
  } catch (e) {
    if (!(e instanceof AuthError)) $view.innerHTML = `<p class="neg">加载失败：${esc(e.message)}</p>`;
  }
})();
