"""Python 3's loop.run_in_executor on the same scenarios, the system offloop ports.

Usage: python3 python_bench.py <python-threads|python-processes> <scenario> '<params json>'
Prints one JSON line, like the Node and Bun/Deno runners.
"""
import asyncio
import json
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def noop(x):
    return x


def burn(iterations):
    h = 0x811C9DC5
    for i in range(iterations):
        h ^= i
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def echo(data):
    return data


def calibrate(ms):
    """Iterations of burn() that take about `ms` on this thread (Python's loop is slower than JS's)."""
    n = 10000
    while True:
        start = time.perf_counter()
        burn(n)
        took = (time.perf_counter() - start) * 1000
        if took > 5:
            return int(n * ms / took)
        n *= 2


def make(row, workers):
    return ThreadPoolExecutor(workers) if row == "python-threads" else ProcessPoolExecutor(workers)


async def run(row, scenario, p):
    loop = asyncio.get_running_loop()
    workers = p["workers"]
    if scenario == "startup":
        start = time.perf_counter()
        ex = make(row, workers)
        await loop.run_in_executor(ex, noop, 1)
        ex.shutdown(wait=True)
        return {"value": (time.perf_counter() - start) * 1000, "unit": "ms"}
    if scenario == "cpu":
        iterations = calibrate(p["ms"])
        serial_start = time.perf_counter()
        for _ in range(4):
            burn(iterations)
        serial = (time.perf_counter() - serial_start) * 1000 * p["tasks"] / 4
    ex = make(row, workers)
    try:
        if scenario == "latency":
            for i in range(p["warmup"]):
                await loop.run_in_executor(ex, noop, i)
            start = time.perf_counter()
            for i in range(p["n"]):
                await loop.run_in_executor(ex, noop, i)
            return {"value": (time.perf_counter() - start) * 1e6 / p["n"], "unit": "us/call"}
        if scenario == "throughput":
            await asyncio.gather(*(loop.run_in_executor(ex, noop, i) for i in range(p["warmup"])))
            start = time.perf_counter()
            await asyncio.gather(*(loop.run_in_executor(ex, noop, i) for i in range(p["n"])))
            seconds = time.perf_counter() - start
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            return {"value": p["n"] / seconds, "unit": "tasks/s", "peakRssMb": rss}
        if scenario == "cpu":
            await asyncio.gather(*(loop.run_in_executor(ex, burn, 1000) for _ in range(workers)))
            start = time.perf_counter()
            await asyncio.gather(*(loop.run_in_executor(ex, burn, iterations) for _ in range(p["tasks"])))
            took = (time.perf_counter() - start) * 1000
            return {"value": took, "unit": "ms", "serialMs": serial, "speedup": serial / took}
        if scenario == "transfer":
            data = bytes(p["bytes"])
            for _ in range(p["warmup"]):
                await loop.run_in_executor(ex, echo, data)
            start = time.perf_counter()
            for _ in range(p["n"]):
                await loop.run_in_executor(ex, echo, bytearray(p["bytes"]))
            ms = (time.perf_counter() - start) * 1000 / p["n"]
            return {"value": ms, "copied": ms, "unit": "ms/task"}
        if scenario == "map":
            start = time.perf_counter()
            count = 0
            # Executor.map with chunksize (processes batch by chunk; threads ignore chunksize).
            for _ in ex.map(noop, range(p["n"]), chunksize=p["chunkSize"]):
                count += 1
            seconds = time.perf_counter() - start
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            return {"value": count / seconds, "unit": "items/s", "peakRssMb": rss}
        raise ValueError(f"unknown scenario {scenario}")
    finally:
        ex.shutdown(wait=True)


if __name__ == "__main__":
    row, scenario = sys.argv[1], sys.argv[2]
    params = json.loads(sys.argv[3] if len(sys.argv) > 3 else "{}")
    try:
        print(json.dumps(asyncio.run(run(row, scenario, params))))
    except Exception as error:  # report, do not crash the runner
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
        sys.exit(1)
