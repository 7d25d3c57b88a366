#!/usr/bin/env python3
"""TUI figures over a pseudo-terminal, as an SSH user would see them.

    cargo build --release && python3 benches/tui.py [path/to/tlslens]

Reports: start-up to first frame, idle CPU over 10 s, resident memory, and the bytes
written to the terminal for one retry on an unchanged screen (what crosses an SSH
link). Loopback only (the built-in lab); everything is bounded in time.
"""
import fcntl, os, pty, select, signal, struct, sys, termios, time

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/tlslens"
COLS, ROWS = 80, 24


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def read_until(fd, needle=None, quiet=0.3, limit=15.0):
    """Read output until `needle` was seen and the terminal stayed quiet for `quiet` s."""
    buf = b""
    start = time.monotonic()
    last = start
    seen_at = None
    while time.monotonic() - start < limit:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            last = time.monotonic()
            if seen_at is None and (needle is None or needle in buf):
                seen_at = last
        elif seen_at is not None and time.monotonic() - last >= quiet:
            break
    return buf, (seen_at - start if seen_at else None)


def main():
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        os.environ["TERM"] = "xterm-256color"
        os.execv(BIN, [BIN, "lab:legacy"])
    try:
        _, first_frame = read_until(fd, b"tlslens", quiet=0.0, limit=10)
        print(f"start-up to first frame: {first_frame * 1000:.0f} ms")
        _, lab_ready = read_until(fd, b"silent", quiet=0.3, limit=15)
        print(f"start-up to the lab listed (keys generated): {(first_frame + lab_ready) * 1000:.0f} ms")

        c0 = cpu_ticks(pid)
        idle_bytes = 0
        end = time.monotonic() + 10
        while time.monotonic() < end:
            r, _, _ = select.select([fd], [], [], 0.5)
            if r:
                idle_bytes += len(os.read(fd, 65536))
        c1 = cpu_ticks(pid)
        hz = os.sysconf("SC_CLK_TCK")
        print(f"idle CPU over 10 s: {(c1 - c0) / hz / 10 * 100:.2f} % ({c1 - c0} ticks), {idle_bytes} bytes drawn while idle")

        os.write(fd, b"\r")
        first, _ = read_until(fd, b"FAILED", quiet=0.5)
        os.write(fd, b"\r")
        retry, _ = read_until(fd, b"FAILED", quiet=0.5)
        with open("/tmp/tlslens-retry.bytes", "wb") as f:
            f.write(retry)
        print(f"bytes written for the first attempt: {len(first)}")
        print(f"bytes written for one retry on an unchanged screen: {len(retry)}")
        print(f"resident memory: {status_kb(pid, 'VmRSS') / 1024:.1f} MB (peak {status_kb(pid, 'VmHWM') / 1024:.1f} MB)")
        os.write(fd, b"q")
        read_until(fd, None, quiet=0.3, limit=3)
    finally:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
