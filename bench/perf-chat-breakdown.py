#!/usr/bin/env python3
"""Attributes a Host's perf samples to the parts of the chat path, by the frames on each sample's stack.

  perf script -i HOST.perf.data -F comm,ip,sym | python3 bench/perf-chat-breakdown.py

Record with the Host started under DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 (without the latter perf
cannot name JIT-compiled code), e.g. through bench/run-rooms-ab.sh's HOST_ENV and PROBE. The first category that
matches a stack takes the sample; kernel frames called from libc without a frame pointer have no managed caller,
so a send(2) counts as "kernel", not as the send pass that made it.
"""
import collections
import re
import sys

CATEGORIES = [
    ("JIT: background tier-up compiles", lambda comm, s: comm.startswith(".NET Tiered")),
    ("journal: serialize events (Newtonsoft)", lambda c, s: re.search(r"Newtonsoft", s) and "Persistence" in s),
    ("journal: serialize events (RoomEventSerializer)", lambda c, s: "RoomEventSerializer" in s),
    ("journal: Akka.Persistence.Sql + linq2db + SQLite", lambda c, s: re.search(
        r"Akka\.Persistence\.Sql|linq2db|LinqToDB|e_sqlite3|Microsoft\.Data\.Sqlite|SqlitePragma|AsyncWriteJournal|Akka\.Streams", s)),
    ("presence: ticks and sharded reports", lambda c, s: re.search(
        r"PresenceT|OnPresenceTick|LocalRoomSubscriber::OnTick|OnReportPresence|ReportPresence|PresenceTally", s)),
    ("room actor: decide + persist plumbing", lambda c, s: re.search(r"RoomActor|Eventsourced|ReceivePersistentActor|RoomState", s)),
    ("send pass (managed side)", lambda c, s: re.search(r"RoomSendPass|SendQueued|FrameQueue|DirectSocket", s)),
    ("socket read + frame parse + Ask", lambda c, s: re.search(
        r"ChatConnection|Kestrel|DuplexPipeStream|Pipelines|SocketAsyncEngine|SocketAsyncContext|RoomAsk", s)),
    ("fan-out: LocalRoomSubscriber serialize + queue", lambda c, s: re.search(r"LocalRoomSubscriber|ServerFrames|ConnectionOutbox|LocalRoomsActor", s)),
    ("sharding + Ask promise", lambda c, s: re.search(r"Akka\.Cluster\.Sharding|PromiseActorRef|FutureActorRef", s)),
    ("DistributedPubSub", lambda c, s: "PublishSubscribe" in s),
    ("other Akka (mailboxes, scheduler, cluster)", lambda c, s: "Akka" in s),
    ("kernel: send(2) + loopback TCP (incl. the peer's receive softirq)", lambda c, s: re.search(
        r"sendto|__send|tcp_sendmsg|tcp_write_xmit|__dev_queue_xmit|net_rx_action|tcp_v4_rcv|sock_def_readable|tcp_rcv", s)),
    ("kernel: recv/epoll", lambda c, s: re.search(r"recvfrom|recvmsg|epoll", s)),
    ("scheduling: context switches, futex, sched_yield", lambda c, s: re.search(r"finish_task_switch|futex|sched_yield|schedule", s)),
    ("thread pool dispatch", lambda c, s: re.search(r"ThreadPoolWorkQueue|PortableThreadPool|LowLevel", s)),
]


def main() -> None:
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for block in sys.stdin.read().split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if len(lines) < 2:
            continue
        comm, stack = lines[0], "\n".join(lines[1:])
        total += 1
        name = next((n for n, match in CATEGORIES if match(comm, stack)), "other: runtime (GC, stubs) and unattributed")
        counts[name] += 1
    for name, n in counts.most_common():
        print(f"{100 * n / max(total, 1):5.1f} %  {name}")
    print(f"{total} samples")


if __name__ == "__main__":
    main()
