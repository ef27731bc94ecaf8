// Performance harness entry point; benchmarks are added per area (hashing, engine, runner).
print("no benchmarks yet")
