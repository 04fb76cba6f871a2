// yucon's console in the browser: xterm.js over one WebSocket (protocol in README, "The console in the browser").
// Output is acknowledged once xterm.js has rendered it (its write callback): the gateway sends at most its window
// ahead, so a flood never piles up in this tab. Keys and pastes go out in frames of at most 4 KiB.
// Acknowledgements go out per ACK_EVERY bytes rendered, far below the gateway's window (256 KiB), so what is not
// acknowledged yet never holds the gateway back; the keep-alive acknowledges the rest. Acknowledging whenever the
// terminal had caught up cost one frame back per frame of output when output came a line at a time (a `seq`
// flood: some 8,000 acknowledgements per MB, each a TLS record and a gateway wake-up).
'use strict';

const csrf = document.querySelector('meta[name="csrf"]').content;
const main = document.getElementById('console');
const state = document.getElementById('console-state');
const guest = main.dataset.guest;
const T = { INPUT: 105, SIZE: 115, ACK: 97, PAUSE: 112, CONTINUE: 99, COMMAND: 107, OUTPUT: 111, DETACHED: 100 };
const ACK_EVERY = 32 << 10;
const encoder = new TextEncoder();

const term = new Terminal({ scrollback: 5000, convertEol: false });
const fit = new FitAddon.FitAddon();
term.loadAddon(fit);
term.open(document.getElementById('terminal'));
fit.fit();

const ws = new WebSocket('wss://' + location.host + '/ws/console/' + encodeURIComponent(guest),
  ['yucon-console.v1', 'csrf.' + csrf]);
ws.binaryType = 'arraybuffer';
let rendered = 0;

function send(type, bytes) {
  if (ws.readyState !== WebSocket.OPEN) return;
  const frame = new Uint8Array(1 + bytes.length);
  frame[0] = type;
  frame.set(bytes, 1);
  ws.send(frame);
}

function u32(n) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0);
  return b;
}

function ack() {
  send(T.ACK, u32(rendered));
  rendered = 0;
}

function sendSize() {
  const b = new Uint8Array(4);
  const v = new DataView(b.buffer);
  v.setUint16(0, term.cols);
  v.setUint16(2, term.rows);
  send(T.SIZE, b);
}

function input(bytes) {
  for (let i = 0; i < bytes.length; i += 4096) send(T.INPUT, bytes.subarray(i, i + 4096));
}

ws.onopen = () => {
  state.textContent = 'attached';
  sendSize();
  term.focus();
};
ws.onmessage = (event) => {
  const data = new Uint8Array(event.data);
  const body = data.subarray(1);
  if (data[0] === T.OUTPUT) {
    term.write(body, () => {
      rendered += body.length;
      if (rendered >= ACK_EVERY) ack();
    });
  } else if (data[0] === T.DETACHED) {
    const why = new TextDecoder().decode(body);
    state.textContent = why;
    if (why === 'detached') location.assign('/');
  }
};
ws.onclose = () => {
  if (state.textContent === 'attached' || state.textContent.startsWith('connecting')) {
    state.textContent = 'the console closed; reload to attach again';
  }
};

term.onData((data) => input(encoder.encode(data)));
term.onBinary((data) => input(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
term.onResize(sendSize);
window.addEventListener('resize', () => fit.fit());
setInterval(ack, 20000);

for (const button of document.querySelectorAll('button[data-key]')) {
  button.addEventListener('click', () => {
    send(T.COMMAND, encoder.encode(button.dataset.key));
    term.focus();
  });
}
// A login that may only watch has no SysRq on its page.
document.getElementById('sysrq')?.addEventListener('change', (event) => {
  if (event.target.value) send(T.COMMAND, encoder.encode('b' + event.target.value));
  event.target.value = '';
  term.focus();
});
const pause = document.getElementById('pause');
pause.addEventListener('click', () => {
  const paused = pause.getAttribute('aria-pressed') !== 'true';
  pause.setAttribute('aria-pressed', String(paused));
  pause.textContent = paused ? 'Continue' : 'Pause';
  send(paused ? T.PAUSE : T.CONTINUE, new Uint8Array(0));
  term.focus();
});
