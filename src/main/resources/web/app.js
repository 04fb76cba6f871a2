// yucon's web page: draws the guest table from the JSON state the server pushes (server-sent events) and sends the
// actions. Everything from the server is set as text (textContent), never as markup.
'use strict';

const csrf = document.querySelector('meta[name="csrf"]').content;
const connection = document.getElementById('connection');
const tbody = document.querySelector('#guests tbody');
const detail = { box: document.getElementById('detail'), title: document.getElementById('detail-title'),
  actions: document.getElementById('detail-actions'), text: document.getElementById('detail-text'), timer: null,
  name: null, kind: null };
let events = null;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function cell(row, label, content, cls) {
  const td = el('td', null, cls);
  td.dataset.label = label;
  if (content instanceof Node) td.appendChild(content); else td.textContent = content;
  row.appendChild(td);
  return td;
}

function stateText(g) {
  let text = g.label;
  if (g.state === 'running' && g.runlevel) text += ' (' + g.runlevel + ')';
  if (g.state === 'running' && g.uptime) text += ', up ' + g.uptime;
  if (g.detail && g.state !== 'running') text += ' (' + g.detail + ')';
  return text;
}

function since(iso) {
  const d = new Date(iso);
  return isNaN(d) ? '' : d.toLocaleString();
}

function render(state) {
  const host = document.getElementById('host');
  host.hidden = !state.host;
  host.replaceChildren();
  if (state.host) {
    for (const [label, value] of [['Host', state.host.name], ['Load', state.host.load], ['Memory', state.host.memory],
      ['Uptime', state.host.uptime], ['Kernel', state.host.kernel]]) {
      const s = el('span', label + ': ');
      s.appendChild(el('b', value));
      s.dataset.fact = label.toLowerCase();
      host.appendChild(s);
    }
  }
  // A row is drawn again only when what it shows changed, so that a button is not replaced under the pointer.
  const drawn = new Map([...tbody.children].map((tr) => [tr.dataset.guest, tr]));
  const rows = state.guests.map((g) => {
    const key = JSON.stringify(g) + state.sshPort;
    const old = drawn.get(g.name);
    if (old && old.dataset.key === key) return old;
    const tr = row(g, state);
    tr.dataset.key = key;
    return tr;
  });
  rows.forEach((tr, i) => {
    if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null);
  });
  while (tbody.children.length > rows.length) tbody.lastElementChild.remove();
  document.getElementById('empty').hidden = state.guests.length > 0;
  renderFleet(state.fleet);
}

// An admin's view of the fleet's other hosts, below this host's guests: each host with its load and memory (or why it
// is unreachable) and the guests it holds, read-only; drawn again only when it changed.
function renderFleet(fleet) {
  let section = document.getElementById('fleet');
  if (!section) {
    section = el('section', null, 'fleet');
    section.id = 'fleet';
    document.getElementById('empty').after(section);
  }
  const key = JSON.stringify(fleet || null);
  if (section.dataset.key === key) return;
  section.dataset.key = key;
  section.replaceChildren();
  section.hidden = !fleet || fleet.peers.length === 0;
  if (section.hidden) return;
  for (const peer of fleet.peers) {
    const box = el('section', null, 'peer');
    box.dataset.host = peer.name;
    const facts = el('div', null, 'host');
    const name = el('span', 'Host: ');
    name.appendChild(el('b', peer.name));
    facts.appendChild(name);
    if (peer.up) {
      for (const [label, value] of [['Load', peer.load], ['Memory', peer.memory]]) {
        const s = el('span', label + ': ');
        s.appendChild(el('b', value));
        s.dataset.fact = label.toLowerCase();
        facts.appendChild(s);
      }
    } else {
      facts.appendChild(el('span', 'unreachable (' + peer.reason + ')', 'error'));
    }
    box.appendChild(facts);
    if (peer.guests.length > 0) box.appendChild(peerTable(peer));
    section.appendChild(box);
  }
  for (const d of fleet.duplicates) section.appendChild(el('p', d, 'error'));
  section.appendChild(el('p', 'Other hosts are shown read-only here: act on their guests in the SSH menu, or with '
    + 'ssh ' + location.hostname + ' VERB GUEST.', 'empty'));
}

function peerTable(peer) {
  const table = el('table', null, 'guests');
  const head = el('tr');
  for (const h of ['Host', 'Guest', 'State']) head.appendChild(el('th', h));
  table.appendChild(el('thead')).appendChild(head);
  const body = table.appendChild(el('tbody'));
  for (const g of peer.guests) {
    const tr = el('tr');
    tr.dataset.guest = g.name;
    tr.dataset.host = peer.name;
    cell(tr, 'Host', peer.name);
    cell(tr, 'Guest', g.name, 'name');
    cell(tr, 'State', g.state, 'state state-' + g.state);
    body.appendChild(tr);
  }
  return table;
}

function row(g, state) {
  const tr = el('tr');
  tr.dataset.guest = g.name;
  tr.dataset.state = g.state;
  cell(tr, 'Guest', g.name, 'name');
  cell(tr, 'Owners', g.owners.join(', '));
  cell(tr, 'State', stateText(g), 'state state-' + g.state);
  cell(tr, 'Since', since(g.since));
  cell(tr, 'Load', g.load);
  cell(tr, 'Memory', g.memory);
  cell(tr, 'Kernel', g.kernel);
  cell(tr, 'Viewers', g.viewers);
  const port = state.sshPort === 22 ? '' : '-p ' + state.sshPort + ' ';
  cell(tr, 'Connect', el('code', 'ssh ' + port + '-l ' + g.name + ' ' + location.hostname));
  const actions = document.createDocumentFragment();
  if (g.drives) {
    if (g.state === 'off' || g.state === 'crashed') actions.appendChild(button('Boot', () => act(g.name, 'boot')));
    if (g.state === 'running' || g.state === 'booting') {
      actions.appendChild(button('Reboot', () => ask(g.name, 'reboot')));
      actions.appendChild(button('Shutdown', () => ask(g.name, 'shutdown'), 'danger'));
    }
  }
  actions.appendChild(button('Processes', () => processes(g.name)));
  actions.appendChild(button('Log', () => logView(g.name)));
  const console = el('a', 'Console', 'button');
  console.href = '/console/' + encodeURIComponent(g.name);
  console.title = 'The console of ' + g.name + ' in this browser';
  actions.appendChild(console);
  cell(tr, 'Actions', actions, 'actions');
  return tr;
}

function button(label, onclick, cls) {
  const b = el('button', label, cls);
  b.type = 'button';
  b.dataset.action = label.toLowerCase();
  b.addEventListener('click', onclick);
  return b;
}

function ask(name, action) {
  const dialog = document.getElementById('ask');
  document.getElementById('ask-text').textContent = action[0].toUpperCase() + action.slice(1) + ' ' + name + ': '
    + 'graceful (init shuts down) or hard (halted at once)?';
  dialog.onclose = () => {
    if (dialog.returnValue === 'graceful' || dialog.returnValue === 'hard') act(name, action, dialog.returnValue);
  };
  dialog.returnValue = '';
  dialog.showModal();
}

async function act(name, action, mode) {
  const body = new URLSearchParams({ csrf });
  if (mode) body.set('mode', mode);
  try {
    const r = await fetch('/api/guests/' + encodeURIComponent(name) + '/' + action, { method: 'POST', body });
    const text = await r.text();
    let message = text;
    try { message = JSON.parse(text).message; } catch (e) { /* a plain sentence */ }
    status(r.ok ? message : action + ' ' + name + ': ' + message, !r.ok);
  } catch (e) {
    status('the gateway did not answer: ' + e.message, true);
  }
}

function status(text, bad) {
  connection.textContent = text;
  connection.classList.toggle('lost', !!bad);
}

function openDetail(name, kind, title) {
  closeDetail();
  detail.name = name;
  detail.kind = kind;
  detail.title.textContent = title;
  detail.actions.replaceChildren();
  detail.text.textContent = '';
  detail.box.hidden = false;
  detail.box.dataset.kind = kind;
}

function closeDetail() {
  clearTimeout(detail.timer);
  detail.timer = null;
  detail.box.hidden = true;
  detail.kind = null;
}

async function getJson(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error((await r.text()).trim());
  return r.json();
}

function processes(name) {
  openDetail(name, 'processes', 'Processes of ' + name + ' (live)');
  const tick = async () => {
    if (detail.kind !== 'processes' || detail.name !== name) return;
    try {
      const p = await getJson('/api/guests/' + encodeURIComponent(name) + '/processes');
      const lines = [p.summary || p.guest + "'s own figures are not available (" + p.state.toLowerCase() + ')', '',
        pad('PID', 7) + ' S ' + pad('%CPU', 6) + ' ' + pad('RSS', 9) + '  COMMAND'];
      for (const r of p.processes) {
        lines.push(pad(r.pid, 7) + ' ' + r.state + ' ' + pad(r.cpu.toFixed(1), 6) + ' ' + pad(r.rssKib + 'K', 9) + '  ' + r.command);
      }
      if (p.processes.length === 0) lines.push(name + ' has no process on this host (' + p.state.toLowerCase() + ')');
      detail.text.textContent = lines.join('\n');
    } catch (e) {
      detail.text.textContent = e.message;
    }
    if (detail.kind === 'processes' && detail.name === name) detail.timer = setTimeout(tick, 1000);
  };
  tick();
}

function pad(value, width) {
  return String(value).padStart(width);
}

async function logView(name) {
  openDetail(name, 'log', 'Console log of ' + name);
  const base = '/api/guests/' + encodeURIComponent(name) + '/log';
  let start = -1;
  const older = button('Older', () => page(start));
  const download = el('a', 'Download', 'button');
  download.href = base + '.txt';
  download.setAttribute('download', name + '.log');
  detail.actions.append(older, download, button('Tail', () => logView(name)));
  const page = async (before) => {
    try {
      const p = await getJson(base + (before >= 0 ? '?before=' + before : ''));
      start = p.start;
      older.disabled = p.start === 0;
      detail.text.textContent = p.text + (before >= 0 ? '\n' + detail.text.textContent : '');
      if (before < 0) detail.text.scrollTop = detail.text.scrollHeight; else detail.text.scrollTop = 0;
    } catch (e) {
      detail.text.textContent = e.message;
    }
  };
  page(-1);
}

async function refreshNow() {
  try {
    render(await getJson('/api/state'));
  } catch (e) {
    status(e.message, true);
  }
}

function listen() {
  events = new EventSource('/api/events');
  events.addEventListener('open', () => status('live', false));
  events.addEventListener('state', (e) => {
    status('live: updated ' + new Date().toLocaleTimeString(), false);
    render(JSON.parse(e.data));
  });
  events.addEventListener('end', (e) => {
    events.close();
    over(e.data);
  });
  events.addEventListener('error', () => {
    if (events.readyState !== EventSource.CLOSED) {
      status('connection lost: retrying…', true);
      return;
    }
    // The browser gave up (the stream was refused): a session that is over says so, anything else is retried.
    status('connection lost: retrying in 5 s…', true);
    fetch('/api/state').then((r) => {
      if (r.status === 401) over('the gateway no longer knows it');
      else setTimeout(listen, 5000);
    }, () => setTimeout(listen, 5000));
  });
}

function over(why) {
  status('This session is over (' + why + '): log in again.', true);
  const login = el('a', 'Log in', 'button');
  login.href = '/login';
  connection.appendChild(document.createTextNode(' '));
  connection.appendChild(login);
}

document.getElementById('refresh').addEventListener('click', refreshNow);
document.getElementById('detail-close').addEventListener('click', closeDetail);
listen();
