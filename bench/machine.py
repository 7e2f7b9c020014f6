"""What the bench records about the machine it runs on: its hardware and software, its load, and the CPU time
other processes took while an item ran (the benchmark shares the machine)."""

import os
import platform
import subprocess
import sys
import time
from pathlib import Path


class CpuMeter:
    """CPU seconds the whole machine spent busy, minus those of this driver, its children and the simulator:
    what other processes took while a section ran (the benchmark shares the machine). Linux /proc only."""

    def __init__(self, simulator_pid):
        self.simulator_pid = simulator_pid
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def sample(self):
        try:
            with open("/proc/stat", encoding="utf-8") as stat:
                fields = [int(value) for value in stat.readline().split()[1:]]
            busy = (sum(fields[:8]) - fields[3] - fields[4]) / self.tick  # all but idle and iowait
            with open(f"/proc/{self.simulator_pid}/stat", encoding="utf-8") as stat:
                simulator = sum(int(value) for value in stat.read().rsplit(")", 1)[1].split()[11:13]) / self.tick
        except (OSError, ValueError, IndexError):
            return None
        times = os.times()
        return time.monotonic(), busy, times.user + times.system + times.children_user + times.children_system + simulator

    @staticmethod
    def others(start, end):
        """Average number of CPUs that other processes kept busy between two samples."""
        if not start or not end or end[0] <= start[0]:
            return None
        return max(0.0, (end[1] - start[1]) - (end[2] - start[2])) / (end[0] - start[0])


def loadavg():
    try:
        return "%.2f" % os.getloadavg()[0]
    except OSError:
        return "n/a"


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            memory = "%.0f GiB RAM" % (int(info.readline().split()[1]) / 1024 / 1024)
    except (OSError, ValueError, IndexError):
        pass
    ansible = subprocess.run([str(Path(sys.executable).parent / "ansible"), "--version"], capture_output=True, text=True,  # noqa: S603
                             check=False, timeout=60).stdout.splitlines()
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory": memory, "python": platform.python_version(),
            "ansible": ansible[0].strip() if ansible else "unknown", "os": platform.platform()}
