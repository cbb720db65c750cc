/**
 * The worker's V8 heap limits, set explicitly from the task's memory. Node
 * sizes V8's heap from the memory it can see; whether it sees the Fargate
 * task's cgroup limit or the host's depends on the libuv and cgroup versions,
 * and on a large host V8 allows a multi-GiB old generation and lets the heap
 * grow to several times the live set between collections — past a 1 GiB task
 * before the first major GC. The flags pin what V8 would choose inside the
 * task, so production and the scale bench run the same heap.
 */
const MIB = 2 ** 20;
const PAGE = 256 * 1024;

/**
 * The heap limits V8 gives a 64-bit Node (no pointer compression) that sees
 * `memoryMiB` of memory — a task's cgroup limit (Node passes
 * `uv_get_constrained_memory()` to `ResourceConstraints::ConfigureDefaults`):
 * V8's `Heap::HeapSizeFromPhysicalMemory`: old generation = memory / 4 × 2,
 * within [256 MiB, 2 GiB] (4 GiB past 16 GiB of memory); semi-space = old generation / 128 (/ 256 at or
 * under 256 MiB), within [1 MiB, 16 MiB], in whole 256 KiB pages. The limit
 * also sets how far V8 lets the heap grow past the live set between major
 * collections (`MemoryController::MaxGrowingFactor`: 4× from a 2 GiB limit,
 * 1.3–2× below), which is most of a worker's RSS (docs/BENCHMARKS.md).
 */
export function containerHeapLimits(memoryMiB: number): { oldSpaceMiB: number; semiSpaceMiB: number } {
  if (!Number.isFinite(memoryMiB) || memoryMiB <= 0) throw new RangeError(`memory ${memoryMiB} MiB`);
  // V8: `physical_memory / GB > 16`, whole GiB.
  const cap = Math.floor(memoryMiB / 1024) > 16 ? 4096 * MIB : 2048 * MIB;
  const old = Math.ceil(Math.min(cap, Math.max(256 * MIB, ((memoryMiB * MIB) / 4) * 2)) / PAGE) * PAGE;
  const ratio = old <= 256 * MIB ? 256 : 128;
  const semi = Math.ceil(Math.min(16 * MIB, Math.max(1 * MIB, old / ratio)) / PAGE) * PAGE;
  return { oldSpaceMiB: old / MIB, semiSpaceMiB: semi / MIB };
}

/** Node flags that give V8 the heap it would size for itself inside a task of `memoryMiB`. */
export function containerHeapFlags(memoryMiB: number): string[] {
  const { oldSpaceMiB, semiSpaceMiB } = containerHeapLimits(memoryMiB);
  return [`--max-old-space-size=${oldSpaceMiB}`, `--max-semi-space-size=${semiSpaceMiB}`];
}
