// The media fan-out's kernel ceiling on loopback, closer to the real path than ../shared/limits/run's udpblast:
// one core (the caller pins it) sends 1,200-byte datagrams with sendmmsg, 64 per call, round-robin to N sockets that
// a child process on another core really reads (non-blocking recvmmsg sweeps every 10 ms, as the load generator's
// poller does), so the sender pays loopback delivery into live socket queues and nothing is dropped on a full buffer.
// Usage: udpfan N seconds [reader-cpu] [gso-segments]   Prints sent/received per second and the sender's user/sys CPU.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: udpfan N seconds [reader-cpu]\n"); return 2; }
  int n = atoi(argv[1]); double dur = atof(argv[2]); int rcpu = argc > 3 ? atoi(argv[3]) : 1; int g = argc > 4 ? atoi(argv[4]) : 1;
  if (n < 1 || n > 15000 || dur <= 0 || dur > 60 || g < 1 || g > 32) { fprintf(stderr, "N in 1..15000, seconds in (0, 60]\n"); return 2; }
  int *fds = calloc(n, sizeof(int)); struct sockaddr_in *to = calloc(n, sizeof *to);
  for (int i = 0; i < n; i++) {
    fds[i] = socket(AF_INET, SOCK_DGRAM, 0); int sz = 1 << 20; setsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
    to[i].sin_family = AF_INET; to[i].sin_addr.s_addr = htonl(0x7f000001);
    bind(fds[i], (void *)&to[i], sizeof to[i]); socklen_t l = sizeof to[i]; getsockname(fds[i], (void *)&to[i], &l);
  }
  volatile long *received = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  volatile int *stop = (volatile int *)(received + 8);
  pid_t child = fork();
  if (child == 0) {
    cpu_set_t set; CPU_ZERO(&set); CPU_SET(rcpu, &set); sched_setaffinity(0, sizeof set, &set);
    static char bufs[32][2048]; struct mmsghdr m[32]; struct iovec io[32];
    for (int i = 0; i < 32; i++) { io[i].iov_base = bufs[i]; io[i].iov_len = 2048; memset(&m[i], 0, sizeof m[i]); m[i].msg_hdr.msg_iov = &io[i]; m[i].msg_hdr.msg_iovlen = 1; }
    while (!*stop) {
      for (int i = 0; i < n; i++) { int c; while ((c = recvmmsg(fds[i], m, 32, MSG_DONTWAIT, NULL)) > 0) { *received += c; if (c < 32) break; } }
      usleep(10000);
    }
    _exit(0);
  }
  int s = socket(AF_INET, SOCK_DGRAM, 0); int sz = 4 << 20; setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
  static char buf[1200 * 32]; memset(buf, 0xab, sizeof buf);
  struct mmsghdr m[64]; struct iovec io[64];
  // With g > 1 each message carries g datagrams for one socket as a UDP GSO super-packet (UDP_SEGMENT = 1200).
  static char ctl[64][CMSG_SPACE(sizeof(unsigned short))];
  for (int i = 0; i < 64; i++) {
    io[i].iov_base = buf; io[i].iov_len = 1200 * g; memset(&m[i], 0, sizeof m[i]); m[i].msg_hdr.msg_iov = &io[i]; m[i].msg_hdr.msg_iovlen = 1; m[i].msg_hdr.msg_namelen = sizeof to[0];
    if (g > 1) {
      m[i].msg_hdr.msg_control = ctl[i]; m[i].msg_hdr.msg_controllen = sizeof ctl[i];
      struct cmsghdr *c = CMSG_FIRSTHDR(&m[i].msg_hdr); c->cmsg_level = SOL_UDP; c->cmsg_type = UDP_SEGMENT; c->cmsg_len = CMSG_LEN(sizeof(unsigned short));
      *(unsigned short *)CMSG_DATA(c) = 1200;
    }
  }
  // Paced like a stream: each "packet" goes to all N sockets, 64 per call; a short pause every N copies lets the reader keep up.
  long sent = 0, next = 0; struct rusage r0, r1; getrusage(RUSAGE_SELF, &r0); double t0 = now(), t;
  do {
    for (int k = 0; k < 64; k++) { m[k].msg_hdr.msg_name = &to[next]; next = (next + 1) % n; }
    int c = sendmmsg(s, m, 64, MSG_DONTWAIT); if (c > 0) sent += (long)c * g;
    t = now();
  } while (t - t0 < dur);
  getrusage(RUSAGE_SELF, &r1); usleep(50000); long got = *received; *stop = 1; waitpid(child, NULL, 0);
  double us = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) + (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) * 1e-6;
  double sy = (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) + (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) * 1e-6;
  printf("udpfan N=%d size=1200 gso=%d: sent %.0f pkts/s, received %.0f pkts/s (%.2f %%), sender CPU user %.2f sys %.2f s/s, %.2f us/pkt\n",
         n, g, sent / (t - t0), got / (t - t0), 100.0 * got / (sent ? sent : 1), us / (t - t0), sy / (t - t0), (us + sy) * 1e6 / (sent ? sent : 1));
  return 0;
}
