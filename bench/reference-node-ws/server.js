// Reference chat server on Node.js `ws`, speaking the subset of chat protocol v1 (docs/chat-protocol.md)
// that the load generator uses: welcome, join/joined (offset, no history), send/ack + message fan-out with
// per-room offsets, leave, ping/pong, 4008 slow_consumer. Tokens are not validated: any access_token
// makes the connection "authenticated" (it is a baseline for fan-out cost, not an auth server).
// Tuned the usual way: no permessage-deflate, each message serialized once per room, bounded buffers.
// Usage: node server.js [port] [host]   (loopback only by default)
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || 8090);
const host = process.argv[3] || '127.0.0.1';
const maxBuffered = 1 << 20; // bytes queued per socket before 4008
const rooms = new Map(); // name -> { offset, members: Set<ws> }

const server = http.createServer((req, res) => {
  if (req.url === '/healthz/ready') { res.writeHead(200); res.end('ok'); return; }
  res.writeHead(404); res.end();
});
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false, maxPayload: 4096, clientTracking: false });
let nextId = 0;

wss.on('connection', (ws, req) => {
  const authenticated = /[?&]access_token=/.test(req.url);
  ws.joined = new Set();
  ws.id = ++nextId;
  ws.send(JSON.stringify({ type: 'welcome', v: 1, connectionId: 'c-' + ws.id,
    user: authenticated ? { id: 'u-' + ws.id, name: 'user' + ws.id, roles: ['viewer'] } : null,
    limits: { maxMessageLength: 500, maxFrameBytes: 4096, maxRooms: 20 } }));
  ws.on('message', (data, isBinary) => {
    let f;
    try { f = JSON.parse(data); } catch { ws.send('{"type":"error","code":"bad_json"}'); return; }
    const ref = f.ref === undefined ? {} : { ref: f.ref };
    switch (f.type) {
      case 'join': {
        let room = rooms.get(f.room);
        if (!room) { room = { offset: 0, members: new Set() }; rooms.set(f.room, room); }
        room.members.add(ws); ws.joined.add(f.room);
        ws.send(JSON.stringify({ type: 'joined', room: f.room, epoch: 'e-1', offset: room.offset, recovered: false,
          messages: [], presence: { count: room.members.size }, ...ref }));
        break;
      }
      case 'leave': {
        const room = rooms.get(f.room);
        if (room) room.members.delete(ws);
        ws.joined.delete(f.room);
        ws.send(JSON.stringify({ type: 'left', room: f.room, ...ref }));
        break;
      }
      case 'send': {
        const room = rooms.get(f.room);
        if (!authenticated) { ws.send(JSON.stringify({ type: 'error', code: 'forbidden', ...ref })); return; }
        if (!room || !ws.joined.has(f.room)) { ws.send(JSON.stringify({ type: 'error', code: 'not_joined', ...ref })); return; }
        const offset = ++room.offset;
        const frame = JSON.stringify({ type: 'message', room: f.room, epoch: 'e-1', offset, id: String(offset),
          author: { id: 'u-' + ws.id, name: 'user' + ws.id }, text: f.text, time: new Date().toISOString() });
        ws.send(JSON.stringify({ type: 'ack', room: f.room, clientId: f.clientId, offset, duplicate: false, ...ref }));
        for (const member of room.members) {
          if (member.bufferedAmount > maxBuffered) { member.close(4008, 'slow_consumer'); continue; }
          member.send(frame);
        }
        break;
      }
      case 'ping': ws.send(JSON.stringify({ type: 'pong', ...ref })); break;
      default: ws.send(JSON.stringify({ type: 'error', code: 'unknown_type', ...ref }));
    }
  });
  ws.on('close', () => { for (const name of ws.joined) { const room = rooms.get(name); if (room) room.members.delete(ws); } });
  ws.on('error', () => {});
});

server.listen(port, host, () => console.log(`reference node ws chat on ws://${host}:${port}/ws`));
