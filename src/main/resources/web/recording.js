// One console recording in asciinema-player (vendored, see README "Recordings"): the player fetches the asciicast
// file from the gateway with this page's session and draws what the guest printed as a terminal, as text.
'use strict';

const box = document.getElementById('player');
// idleTimeLimit: pauses longer than 3 s are shortened, as `ssh -t HOST play ID` does.
AsciinemaPlayer.create(box.dataset.src, box, { autoPlay: true, idleTimeLimit: 3, fit: 'width' });
