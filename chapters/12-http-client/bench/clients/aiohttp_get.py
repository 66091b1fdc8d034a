"""aiohttp's client on ch12_bench's workload: N GETs of one URL, C at a time over one session.

    python3 aiohttp_get.py URL N C      prints the requests per second"""

import asyncio
import sys
import time

import aiohttp


async def main(url, n, c):
    left = n

    async def worker(session):
        nonlocal left
        while left > 0:
            left -= 1
            async with session.get(url) as response:
                await response.read()

    connector = aiohttp.TCPConnector(limit=c)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(session) for _ in range(c)))  # warm: connections made
        left = n
        start = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(c)))
        print(f"{n / (time.perf_counter() - start):.0f}")


asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
