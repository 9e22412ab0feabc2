"""Merging several time-ordered streams of row chunks into one, for exports that span more
series than a single query can name."""

from __future__ import annotations

import heapq
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

# A raw row (device id, parameter, time, value), or any tuple with its time third: the store's
# base class merges its adapters' page readers with this, so it names no store type.
Row = TypeVar("Row", bound=tuple[Any, Any, datetime, Any])


async def merge_in_time_order(
    streams: Sequence[AsyncIterator[list[Row]]], chunk_size: int
) -> AsyncIterator[list[Row]]:
    """Rows of every stream in timestamp order, in lists of at most `chunk_size`. Each stream
    must itself be in time order; only one chunk per stream is held at a time."""
    chunks: list[list[Row]] = [[] for _ in streams]
    positions = [0] * len(streams)
    heap: list[tuple[datetime, int]] = []

    async def advance(index: int) -> bool:
        async for chunk in streams[index]:
            if chunk:
                chunks[index], positions[index] = chunk, 0
                return True
        return False

    try:
        if len(streams) == 1:
            async for chunk in streams[0]:
                if chunk:
                    yield chunk
            return

        for index in range(len(streams)):
            if await advance(index):
                heap.append((chunks[index][0][2], index))
        heapq.heapify(heap)

        out: list[Row] = []
        while heap:
            _, index = heap[0]
            chunk, position = chunks[index], positions[index]
            out.append(chunk[position])
            position += 1
            positions[index] = position
            if position < len(chunk):
                heapq.heapreplace(heap, (chunk[position][2], index))
            elif await advance(index):
                heapq.heapreplace(heap, (chunks[index][0][2], index))
            else:
                heapq.heappop(heap)
            if len(out) >= chunk_size:
                yield out
                out = []
        if out:
            yield out
    finally:
        # An export abandoned half way must not leave the page readers suspended.
        for stream in streams:
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                await aclose()
