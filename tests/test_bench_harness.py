"""The benchmark harness times ``ours`` and the floor in alternation."""

from __future__ import annotations

from benchmarks._harness import best_times_alternating


def test_calls_alternate_after_one_warm_up_each() -> None:
    calls: list[str] = []
    best_a, best_b = best_times_alternating(
        lambda: calls.append("a"), lambda: calls.append("b"), (3, 3)
    )
    assert calls == ["a", "b"] + ["a", "b"] * 3
    assert 0.0 <= best_a < 1.0 and 0.0 <= best_b < 1.0


def test_uneven_repeats_stop_each_callable_at_its_count() -> None:
    calls: list[str] = []
    best_times_alternating(lambda: calls.append("a"), lambda: calls.append("b"), (3, 1))
    assert calls == ["a", "b", "a", "b", "a", "a"]
