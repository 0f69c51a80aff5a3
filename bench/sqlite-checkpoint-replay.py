# Replays the SQLite journal's commit pattern in many small rooms (single-row commits at 1,000/s, WAL,
# synchronous=NORMAL) and prints commit latency and WAL size. Modes: auto (SQLite's automatic checkpoint in the
# commit), bg (passive checkpoints every 250 ms on another connection; RESTART only past 4,000 WAL pages), bg2 (passive
# then RESTART every round: what src/Host/Storage/SqliteWalCheckpointer.cs does). Usage: python3 bench/sqlite-checkpoint-replay.py MODE [COMMITS]
import sqlite3, time, sys, os, tempfile, threading
mode = sys.argv[1]
d = tempfile.mkdtemp(); path = os.path.join(d, "j.db")
c = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
c.execute("PRAGMA journal_mode=WAL"); c.execute("PRAGMA synchronous=NORMAL")
c.execute(f"PRAGMA wal_autocheckpoint={0 if mode in ('bg','bg2') else 1000}")
c.execute("create table j(pid text, seq integer, payload blob, ts integer, primary key(pid, seq))")
c.execute("create index j_ts on j(ts)")
stop = False; rounds = [0, 0, 0]; maxlog = [0]
def cp():
    k = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    k.execute("PRAGMA busy_timeout=1000")
    while not stop:
        busy, log, done = k.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        rounds[0] += 1; maxlog[0] = max(maxlog[0], log)
        if mode == 'bg2' or log > 4000:
            k.execute("PRAGMA wal_checkpoint(RESTART)"); rounds[1] += 1
        time.sleep(0.25)
if mode in ('bg','bg2'): t = threading.Thread(target=cp); t.start()
lat = []; n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
start = time.perf_counter()
for i in range(n):
    t0 = time.perf_counter()
    c.execute("begin"); c.execute("insert into j values(?,?,?,?)", (f"room-{i%1000}", i, os.urandom(300), i)); c.execute("commit")
    lat.append((time.perf_counter() - t0) * 1e3)
    s = start + (i + 1) / 1000.0 - time.perf_counter()
    if s > 0: time.sleep(s)
stop = True
lat.sort()
print(f"{mode}: p50 {lat[n//2]:.3f} p99 {lat[int(n*.99)]:.3f} p999 {lat[int(n*.999)]:.3f} max {lat[-1]:.2f} ms; wal {os.path.getsize(path+'-wal')/1e6:.1f} MB; cp rounds {rounds} maxlog {maxlog[0]}")
